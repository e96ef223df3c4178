"""The stages of answering a question, each a small module with typed inputs and outputs:
understand (question → Understanding), gather (→ Candidates), rank (→ ordered Passages),
compose (→ Composed draft), verify (→ Verified citations), decide (→ Decision: answer or
abstain). ``assistant.assistant.Assistant.ask`` runs them in that order."""
