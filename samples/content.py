"""The bundled sample reports: fictional, written for Scrutineer, in the genre's layouts.

Each sample is a list of blocks: ("title", text), ("meta", [(key, value)]), ("heading", text),
("para", label, text), ("bullets", [items]), ("items", [(marker, text)]), ("table",
header, rows), ("minute", number, title, [paragraphs]), ("text", text), ("blank",).
"""

from __future__ import annotations

NORTHSHIRE_REPORT = {
    "file": "northshire-csp-annual-review-2024",
    "header": "Northshire County Council – Cabinet – 14 March 2024",
    "footer": "Northshire CSP Annual Review 2023-24",
    "blocks": [
        ("title", "NORTHSHIRE COUNTY COUNCIL"),
        ("meta", [("Committee", "Cabinet"), ("Date of meeting", "14 March 2024"),
                  ("Report number", "NCC/24/031"),
                  ("Title of report", "Northshire Community Safety Partnership Annual Review "
                                      "2023-24"),
                  ("Report author", "Priya Lawson, Community Safety Manager"),
                  ("Classification", "Unrestricted")]),
        ("heading", "1. Purpose of Report"),
        ("para", "1.1", "This report reviews the work of the Northshire Community Safety "
                        "Partnership (NCSP) during 2023-24 and asks Cabinet to note its "
                        "progress against the four partnership priorities."),
        ("heading", "2. Recommendations"),
        ("para", "2.1", "That Cabinet notes the progress of the Northshire Community Safety "
                        "Partnership set out in section 4 of this report."),
        ("para", "2.2", "That Cabinet endorses the partnership's plan to extend the Safer "
                        "Schools programme to all secondary schools by September 2025."),
        ("heading", "3. Background"),
        ("para", "3.1", "Community Safety Partnerships were established by section 5 of the "
                        "Crime and Disorder Act 1998. The NCSP brings together the County "
                        "Council, the four district councils, Northshire Police, Northshire "
                        "Fire and Rescue Service, the Probation Service and the Integrated Care "
                        "Board."),
        ("para", "3.2", "The partnership's priorities for 2023-24, agreed in its strategic "
                        "assessment, were:"),
        ("bullets", ["tackling county lines and drug-related exploitation;",
                     "reducing violence against women and girls (VAWG);",
                     "preventing serious youth violence and knife crime; and",
                     "reducing anti-social behaviour in town centres."]),
        ("heading", "4. Progress against the priorities"),
        ("heading", "County lines"),
        ("para", "4.1", "Operation Sceptre activity in Northshire led to 46 arrests and the "
                        "closure of 11 county lines between April 2023 and January 2024. Police "
                        "and partners carried out 128 safeguarding visits to young people "
                        "identified as at risk of criminal exploitation."),
        ("para", "4.2", "The partnership funded two specialist youth workers to work alongside "
                        "the Missing, Exploited and Trafficked (MET) panel. Their caseload "
                        "reached 64 young people by the end of the year, of whom 41 were "
                        "referred by schools."),
        ("heading", "Violence against women and girls"),
        ("para", "4.3", "The VAWG Steering Group completed a problem profile in October 2023. "
                        "It recommended three actions:"),
        ("items", [("a)", "a night-time economy safety charter for licensed premises;"),
                   ("b)", "bystander training for staff in bars and on late-night transport; "
                          "and"),
                   ("c)", "a single referral pathway for stalking victims.")]),
        ("para", "4.4", "By March 2024, 37 licensed premises had signed the safety charter and "
                        "212 staff had completed bystander training."),
        ("heading", "Serious youth violence and knife crime"),
        ("para", "4.5", "The Safer Schools programme placed police school liaison officers in "
                        "14 secondary schools. Knife crime offences involving under-18s fell by "
                        "18% compared with 2022-23. The partnership worked with schools to "
                        "deliver knife crime awareness assemblies to 9,400 pupils."),
        ("para", "4.6", "A Habitual Knife Carrier panel now meets monthly to agree a management "
                        "plan for each young person known to carry a knife."),
        ("heading", "Anti-social behaviour"),
        ("para", "4.7", "A Public Spaces Protection Order (PSPO) covering Kingsford town centre "
                        "came into force on 1 July 2023. Reports of anti-social behaviour in the "
                        "PSPO area fell from 612 in 2022-23 to 455 in 2023-24."),
        ("heading", "5. Financial Implications"),
        ("para", "5.1", "The partnership's budget for 2023-24 was £486,000, of which £210,000 "
                        "came from the Police and Crime Commissioner's community safety fund. "
                        "There are no new financial implications arising from this report."),
        ("heading", "6. Legal Implications"),
        ("para", "6.1", "Section 19 of the Police and Justice Act 2006 requires the Council to "
                        "have a crime and disorder committee to scrutinise the partnership."),
        ("heading", "7. Contact"),
        ("text", "Report author: Priya Lawson, Community Safety Manager, "
                 "priya.lawson@northshire.example.gov.uk"),
    ],
}

RIVERTON_TABLE = {
    "file": "riverton-safer-streets-progress-2023-24",
    "header": "Riverton Safer Streets Partnership – Progress Update 2023-24",
    "footer": "Riverton City Council",
    "blocks": [
        ("title", "Riverton Safer Streets Partnership Strategy 2022-2025 Progress Update"),
        ("meta", [("Report to", "Safer Riverton Board"), ("Date", "21 November 2023"),
                  ("Report of", "Riverton City Council Community Safety Team")]),
        ("heading", "Introduction"),
        ("text", "This update reports progress against the actions in the Safer Streets "
                 "Partnership Strategy 2022-2025 for the year to October 2023. Each action has a "
                 "lead agency, which reports to the Safer Riverton Board every six months."),
        ("text", "The partnership's three-year priorities were set from the 2022 strategic "
                 "assessment: reducing violent crime, protecting vulnerable people, tackling "
                 "anti-social behaviour and reducing reoffending. The board reviewed the "
                 "priorities in September 2023 and kept all four."),
        ("text", "Figures are for Riverton City unless stated otherwise. Crime figures come "
                 "from Riverton Police recorded crime data; anti-social behaviour figures "
                 "combine police and council reports."),
        ("heading", "Progress against the strategy's actions"),
        ("table", ["Priority", "Action", "Lead Agency", "Update"], [
            ["Reduce violent crime", "Deliver targeted patrols in the evening economy hot spots "
             "identified by the violence problem profile.", "Riverton Police",
             "Operation Lantern patrols ran every Friday and Saturday night from May to "
             "September 2023. Violence with injury in the city centre fell by 12% compared "
             "with the same months of 2022."],
            ["Reduce violent crime", "Work with schools and youth groups to reduce weapon "
             "carrying among young people.", "Youth Justice Service",
             "The Youth Justice Service delivered weapon awareness workshops in 9 secondary "
             "schools, reaching 2,300 pupils. Two youth clubs now host monthly drop-in "
             "sessions with a knife crime prevention worker."],
            ["Protect vulnerable people", "Extend the Safe at Home scheme for victims of "
             "domestic abuse.", "Riverton City Council",
             "Safe at Home fitted security measures in 143 homes in 2023-24, up from 96 in "
             "2022-23. The scheme's waiting time fell to 6 working days."],
            ["Protect vulnerable people", "Improve the identification of cuckooing and "
             "support for adults whose homes are taken over by drug dealers.",
             "Riverton Police",
             "A multi-agency cuckooing panel was set up in June 2023 and has supported 27 "
             "adults. Housing officers received cuckooing awareness training."],
            ["Tackle anti-social behaviour", "Use the community trigger and ASB case reviews "
             "to give repeat victims a voice.", "Riverton City Council",
             "Eleven ASB case reviews were held in 2023-24. In eight cases the review led to "
             "a new action plan agreed with the victim."],
            ["Tackle anti-social behaviour", "Reduce fly-tipping and criminal damage in the "
             "Eastgate estate through environmental improvements.",
             "Riverton City Council",
             "New lighting and CCTV were installed on the Eastgate estate in August 2023. "
             "Reports of criminal damage on the estate fell from 88 to 51."],
            ["Reduce reoffending", "Provide a mentoring offer for young adults leaving "
             "custody.", "Probation Service",
             "The Next Steps mentoring service supported 34 young adults in 2023-24. Six "
             "months after release, 71% had not reoffended."],
            ["Reduce reoffending", "Expand the integrated offender management cohort to "
             "include prolific shoplifters.", "Riverton Police",
             "The cohort grew from 48 to 63 people. Shop theft by cohort members fell by "
             "a third between the first and second halves of the year."],
            ["Protect vulnerable people", "Raise awareness of modern slavery among frontline "
             "staff and businesses.", "Riverton City Council",
             "Modern slavery training reached 410 council, health and housing staff. The "
             "partnership ran a car wash awareness campaign with the Gangmasters and Labour "
             "Abuse Authority in March 2023, leading to 6 referrals to the National Referral "
             "Mechanism."],
            ["Reduce violent crime", "Commission a specialist service for young people at "
             "risk of child criminal exploitation.", "Riverton City Council",
             "The Pathways service started in January 2023 and worked with 58 young people "
             "in its first year. Missing episodes among the cohort fell from 212 in the six "
             "months before referral to 97 in the six months after."],
            ["Tackle anti-social behaviour", "Review the city centre Public Spaces Protection "
             "Order before it expires.", "Riverton City Council",
             "Public consultation on renewing the PSPO closed in October 2023 with 1,214 "
             "responses, 78% in favour. The renewed order will be considered by Cabinet in "
             "January 2024."],
        ]),
    ],
}

EASTVALE_MINUTES = {
    "file": "eastvale-oscom-minutes-2024-02-05",
    "header": "Eastvale Borough Council – Overview and Scrutiny Committee",
    "footer": "Minutes – 5 February 2024",
    "blocks": [
        ("title", "EASTVALE BOROUGH COUNCIL"),
        ("text", "MINUTES of a meeting of the Overview and Scrutiny Committee held at the Town "
                 "Hall, Eastvale on Monday, 5 February 2024."),
        ("text", "Present: Councillor M Okafor (Chair), Councillors J Reid, S Patel, "
                 "T Hughes and L Moreno."),
        ("minute", "41", "Apologies", ["Apologies were received from Councillor D Evans."]),
        ("minute", "42", "Declarations of Interest",
         ["There were no declarations of interest."]),
        ("minute", "43", "Eastvale Community Safety Partnership Annual Report", [
            "The Community Safety Manager presented the annual report of the Eastvale "
            "Community Safety Partnership for 2022-23. Recorded crime in the borough had "
            "fallen by 4%, but shoplifting had risen by 21%.",
            "Members asked about the partnership's work with schools on knife crime. The "
            "Community Safety Manager explained that the partnership had funded the Street "
            "Doctors programme in three secondary schools and would evaluate it in the "
            "summer term.",
            "RESOLVED that the Committee notes the annual report and asks the partnership to "
            "report back on the Street Doctors evaluation in September 2024.",
        ]),
        ("blank",),
        ("minute", "44", "Work Programme", [
            "The Committee agreed its work programme for 2024-25, adding a review of the "
            "council's Public Spaces Protection Orders.",
        ]),
        ("text", "The meeting closed at 8.40 pm."),
    ],
}

SAMPLES = (NORTHSHIRE_REPORT, RIVERTON_TABLE, EASTVALE_MINUTES)
