"""What the made-up committees discuss: items with figures and names the generator knows.

Each committee has a few subjects. A subject is a title, sentences that state a fact (with
the question a councillor would ask of it and the slot holding the answer), sentences of
ordinary council prose around them, and the parts of a resolution. Slots such as {town},
{officer} or {pct} are filled per item by `fill_slots`, so one subject reads differently in
every paper. Plain ASCII and the pound sign only: the PDFs are set in a core font.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class FactTemplate:
    """A sentence stating a figure or name, the question it answers, and the answer slot."""

    sentence: str
    question: str
    answer: str  # the slot whose value answers the question


@dataclass(frozen=True)
class Subject:
    title: str  # in capitals, as a minute or report heading
    facts: tuple[FactTemplate, ...]
    prose: tuple[str, ...]
    resolved: tuple[str, ...]  # parts of a resolution, without their numbers


@dataclass(frozen=True)
class Committee:
    name: str  # "Planning Committee"
    keyword: str  # what a person types as a committee filter
    subjects: tuple[Subject, ...]


FIRST_NAMES = """Sarah James Priya Mohammed Helen David Aisha Robert Claire Daniel Fatima Peter
Joanne Michael Rachel Imran Susan Andrew Emma Neil Karen Tom Nadia Gareth Louise Colin Yasmin
Stephen Hannah Paul Anita Richard Beverley Kwame Alison Marcus Deborah Simon Lucy Gurpreet
Martin Zoe Ian Catherine Osman Julie Graham Ruth Adebayo Fiona Mark""".split()
LAST_NAMES = """Thompson Patel Hughes Khan Robinson Walker Begum Clarke Ahmed Wright Turner
Okafor Edwards Shaw Hussain Morris Bennett Kaur Fletcher Ward Gill Harrison Rahman Marshall
Dixon Chapman Ali Barker Holmes Singh Lawson Reid Owusu Pearson Mills Cooper Akhtar Webb
Stevens Nolan Fraser Boyle Griffiths Malik Doherty Knight Osborne Parry Whitfield""".split()
ROLES = ("Director of Planning and Regeneration", "Head of Licensing", "Director of Public "
         "Health", "Director of Children's Integrated Services", "Chief Finance Officer",
         "Head of Housing Services", "Head of Waste and Street Scene", "Head of Internal Audit",
         "Director of Adult Social Care", "Head of Culture and Leisure", "Senior Governance "
         "Officer", "Head of Legal and Governance", "Strategic Director of Resources")
STREETS = """Mill Lane|Station Road|Church Street|Victoria Road|Park Avenue|London Road|
Queen Street|Meadow Way|Canal Side|Forge Lane|Orchard Close|High Street|Chapel Row|
Brook Street|Castle Hill|Water Lane|Market Place|Abbey Road|Kings Drive|Willow Walk""".replace(
    "\n", "").split("|")
PREMISES = ("The Red Lion", "The Crown", "The Railway Tavern", "Jubilee Wines", "The Old "
            "Bank Bar", "Kismet Grill", "The Feathers", "Late Stop Convenience Store",
            "The Bell Hotel", "Riverside Social Club", "The Plough", "Corner Kebab House")


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def fill_slots(rng: random.Random, towns: tuple[str, ...], year: int) -> dict[str, str]:
    """Fresh values for every slot a template may use, for one item of one paper."""
    town = rng.choice(towns)
    n4 = rng.randint(1100, 9800)
    return {
        "town": town, "town2": rng.choice(towns), "street": rng.choice(STREETS),
        "site": f"Land off {rng.choice(STREETS)}, {town}", "premises": rng.choice(PREMISES),
        "hospital": f"{town} General Hospital", "school": f"{town} Park Academy",
        "officer": person(rng), "officer2": person(rng), "councillor": person(rng),
        "year": str(year), "prev_year": str(year - 1), "fyear": f"{year}/{(year + 1) % 100:02d}",
        "month": rng.choice(("January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December")),
        "n2": str(rng.randint(12, 98)), "n2b": str(rng.randint(12, 98)),
        "n3": str(rng.randint(110, 980)), "n3b": str(rng.randint(110, 980)),
        "n4": f"{n4:,}", "n4b": f"{rng.randint(1100, 9800):,}",
        "n5": f"{rng.randint(12, 480) * 1000 + rng.randint(0, 999):,}",
        "pct": f"{rng.randint(300, 980) / 10:.1f}%", "pct2": f"{rng.randint(11, 99) / 10:.1f}%",
        "money": f"£{rng.randint(12, 380) / 10:.1f} million",
        "money2": f"£{rng.randint(110, 990):,},000", "weeks": str(rng.randint(4, 52)),
        "ref": f"{year % 100:02d}/{rng.randint(100, 4999):05d}/{rng.choice(('FUL', 'OUT', 'REM'))}",
        "hours": rng.choice(("22:00", "23:00", "23:30", "00:00", "01:00", "02:00")),
    }


def _f(sentence: str, question: str, answer: str) -> FactTemplate:
    return FactTemplate(sentence, question, answer)


GENERAL_PROSE = (
    "Members asked how the figures compared with neighbouring authorities and were told that "
    "{town} was broadly in line with its statistical neighbours.",
    "The Chair thanked {officer} for a clear report and for the work of the team over the year.",
    "A further report will be brought to the Committee in {month} {year} setting out progress "
    "against each of the actions agreed.",
    "Councillor {councillor} asked whether the proposals had been shared with ward members in "
    "{town2}, and officers confirmed that a briefing had taken place.",
    "There are no direct financial implications arising from this report beyond those already "
    "contained within the approved budget for {fyear}.",
    "An equality impact assessment has been completed and is available from the author on "
    "request; no adverse impact on any protected group has been identified.",
    "The Council has a duty to consider the views of residents, partners and businesses before "
    "reaching a decision, and the consultation responses are summarised at Appendix 1.",
    "Officers will continue to monitor performance monthly and report any significant "
    "variation to the Portfolio Holder.",
    "The risks associated with the recommendations are set out in the corporate risk register "
    "and are considered to be managed within existing arrangements.",
    "Members noted that the service had experienced continued pressure from rising demand and "
    "from difficulties in recruiting to specialist posts.",
    "In response to a question, {officer2} explained that the data for the latest quarter were "
    "provisional and might be revised when the annual return was submitted.",
    "The Committee welcomed the improvement and asked that its thanks be passed to the staff "
    "involved.",
    "Legal Services have been consulted and confirm that the Council has the power to take the "
    "action proposed under the relevant legislation.",
    "The proposals support the Council Plan priority of a fairer, greener and safer {town}.",
    "Councillor {councillor} welcomed the report but said that residents of {town2} had not "
    "yet seen the benefit of the changes described.",
    "The Committee was reminded that the figures for {month} were affected by the bank "
    "holidays and by industrial action in the previous month.",
    "{officer2} undertook to circulate a breakdown of the figures by ward after the meeting.",
    "Benchmarking against the {n2} authorities in the regional group places {town} in the "
    "second quartile.",
    "A member asked whether the target had been set too low; officers replied that it had been "
    "agreed with partners and would be reviewed in {next_year}.",
    "The service has been restructured so that a single team now handles enquiries from "
    "residents, with a named officer for each case.",
    "Work with the voluntary and community sector in {town2} has been strengthened through a "
    "new partnership agreement.",
    "Members were informed that the government had not yet published the guidance needed to "
    "complete the work, which was expected in {month}.",
    "The Portfolio Holder, Councillor {councillor}, said that the Council would continue to "
    "lobby for fair funding for {town}.",
    "The report was written before the latest figures were available, and an update was "
    "tabled at the meeting.",
    "There was discussion about the communication of the changes to residents, and the "
    "Committee asked for a plain language summary to be published on the Council website.",
    "It was noted that the scheme had been shortlisted for a national award in {year}.",
    "Officers confirmed that the staff survey had been completed by {pct} of employees in the "
    "service.",
    "Members asked about the impact on residents with disabilities and were told that an "
    "accessible version of every letter would be available.",
    "The contract with the current provider ends in {month} {next_year}, and a procurement "
    "exercise will begin shortly.",
    "The Committee heard that complaints about the service had fallen by a quarter compared "
    "with the same period last year.",
    "The Chair asked that the action plan include target dates and the name of the officer "
    "responsible for each action.",
    "A joint review with the neighbouring authority found scope to share back office "
    "functions and save around {money2} a year.",
    "Councillor {councillor} declared an interest as a member of the board of a local charity "
    "and took no part in the discussion of the item.",
    "In response to questions, it was confirmed that the new system would be in place across "
    "{town} and {town2} by the autumn.",
)

COMMITTEES: tuple[Committee, ...] = (
    Committee("Planning Committee", "Planning", (
        Subject("PLANNING APPLICATION {ref} - {site_upper}", (
            _f("The application seeks full planning permission for the erection of {n3} "
               "dwellings at {site}, with associated access from {street}.",
               "How many dwellings were proposed at {site}?", "n3"),
            _f("The applicant has offered {pct2} affordable housing together with a "
               "contribution of {money2} towards primary school places at {school}.",
               "What contribution towards school places was offered for {site}?", "money2"),
            _f("During consultation {n2} letters of objection were received, raising concerns "
               "about traffic on {street}, flooding and the loss of open countryside.",
               "How many letters of objection were received about {site}?", "n2")),
            ("The site lies outside the settlement boundary of {town} as defined in the Local "
             "Plan, but the Council cannot currently demonstrate a five year supply of "
             "deliverable housing sites.",
             "The highway authority raises no objection subject to conditions requiring a "
             "construction management plan and improvements to the junction with {street}.",
             "The Environment Agency has been consulted on the flood risk assessment and is "
             "satisfied that surface water can be managed on site.",
             "On balance, officers consider that the benefits of the scheme outweigh the harm "
             "and the application is recommended for approval."),
            ("grant planning permission for application {ref} subject to the conditions set "
             "out in the report", "delegate authority to the {role} to complete a section 106 "
             "agreement securing the affordable housing and education contribution")),
        Subject("PLANNING PERFORMANCE AND APPEALS", (
            _f("In {prev_year}/{year_short} the Council determined {pct} of major applications "
               "within the statutory period or an agreed extension of time.",
               "What share of major applications did {council} decide in time in "
               "{prev_year}/{year_short}?", "pct"),
            _f("Of the {n2} planning appeals decided in the year, {n2b} were allowed by the "
               "Planning Inspectorate.",
               "How many planning appeals were decided by {council} in the year to {year}?",
               "n2")),
            ("The service continues to face difficulties in recruiting experienced planning "
             "officers, and agency staff have been used to cover {n2b} vacant posts.",
             "The new validation checklist has reduced the number of invalid applications "
             "received and shortened the time taken to register an application."),
            ("note the performance of the development management service",
             "ask officers to report on the use of extensions of time in {year}")),
    )),
    Committee("Licensing Committee", "Licensing", (
        Subject("APPLICATION FOR A PREMISES LICENCE - {premises_upper}, {street_upper}", (
            _f("The applicant seeks a premises licence for {premises}, {street}, {town}, "
               "permitting the sale of alcohol until {hours} every day.",
               "Until what time did {premises} in {town} ask to sell alcohol?", "hours"),
            _f("{n2} representations were received from local residents and one from the "
               "police, on the grounds of the prevention of public nuisance.",
               "How many representations were received about {premises} in {town}?", "n2")),
            ("The premises lie within the cumulative impact area of {town} town centre, where "
             "the Council's policy creates a presumption against new licences.",
             "The applicant's solicitor, {officer2}, explained that the premises would operate "
             "as a restaurant and that door staff would be employed on Fridays and Saturdays.",
             "The Sub-Committee considered the licensing objectives, the statutory guidance "
             "and the Council's Statement of Licensing Policy."),
            ("grant the premises licence subject to the conditions agreed with the police",
             "require that the terminal hour on Sundays be brought forward by one hour")),
        Subject("HACKNEY CARRIAGE AND PRIVATE HIRE LICENSING", (
            _f("At 31 March {year} there were {n3} licensed hackney carriage drivers and "
               "{n4} private hire drivers in {council}.",
               "How many private hire drivers were licensed in {council} in {year}?", "n4"),
            _f("The trade has asked for a fare increase of {pct2}, the first since "
               "{prev_year}.",
               "What fare increase did the taxi trade ask {council} for in {year}?", "pct2")),
            ("All drivers are now required to complete safeguarding awareness training before "
             "a licence is granted or renewed.",
             "The Council will consult the trade on a proposal to require all new vehicles to "
             "be zero emission capable from {next_year}."),
            ("approve the revised table of fares for public consultation",
             "note the number of licences in force")),
    )),
    Committee("Health Scrutiny Committee", "Health", (
        Subject("URGENT AND EMERGENCY CARE PERFORMANCE", (
            _f("In {month} {year} {pct} of patients at the emergency department of {hospital} "
               "were seen within four hours, against the national standard of 95%.",
               "What share of patients at {hospital} were seen within four hours in {month} "
               "{year}?", "pct"),
            _f("Ambulance handover delays of more than one hour affected {n3} patients at "
               "{hospital} during the quarter.",
               "How many patients waited more than an hour for ambulance handover at "
               "{hospital}?", "n3")),
            ("{officer}, Chief Operating Officer of the hospital trust, attended to present "
             "the report and answer questions.",
             "Members expressed concern about patients waiting in corridors and asked what "
             "was being done to improve flow through the hospital.",
             "The trust has opened a same day emergency care unit, which now sees around "
             "{n2} patients a day who would otherwise have been admitted."),
            ("thank {officer} for attending the meeting",
             "ask the trust to provide an update on handover delays in six months")),
        Subject("ACCESS TO GENERAL PRACTICE", (
            _f("Practices in {town} delivered {n5} appointments in {month} {year}, of which "
               "{pct} were face to face.",
               "How many GP appointments were delivered in {town} in {month} {year}?", "n5"),
            _f("The Integrated Care Board has recruited {n2} additional roles under the "
               "Additional Roles Reimbursement Scheme, including clinical pharmacists.",
               "How many additional roles did the Integrated Care Board recruit in {town}?",
               "n2")),
            ("Residents continue to report difficulty in getting through to their practice by "
             "telephone at eight o'clock in the morning.",
             "Cloud based telephony has been installed in {n2b} practices, allowing calls to "
             "be queued and called back."),
            ("note the report", "recommend that the Integrated Care Board publishes practice "
             "level data on telephone waiting times")),
    )),
    Committee("Children and Young People Scrutiny Committee", "Children", (
        Subject("SOCIAL WORKER RECRUITMENT AND RETENTION", (
            _f("During the six months to {month} {year} the Council received {n3} applications "
               "for social work posts and {n2} new social workers were recruited.",
               "How many new social workers did {council} recruit in the six months to "
               "{month} {year}?", "n2"),
            _f("The average caseload of a children's social worker stood at {n2b} in {month} "
               "{year}.",
               "What was the average social worker caseload in {council} in {month} {year}?",
               "n2b")),
            ("The Grow Our Own scheme supports staff already working for the Council to "
             "train as social workers while remaining in employment.",
             "Reliance on agency social workers has fallen, and the Council is becoming an "
             "employer of choice in the region.",
             "Newly qualified social workers complete the Assessed and Supported Year in "
             "Employment with protected caseloads and additional supervision."),
            ("note the progress made in recruiting permanent social workers",
             "ask for a further report on caseloads in {next_year}")),
        Subject("CHILDREN IN CARE AND CARE LEAVERS", (
            _f("At the end of {month} {year} there were {n3} children in the care of "
               "{council}, of whom {n2} were placed outside the area.",
               "How many children were in the care of {council} at the end of {month} {year}?",
               "n3"),
            _f("{pct} of care leavers aged 19 to 21 were in education, employment or training.",
               "What share of care leavers in {council} were in education, employment or "
               "training in {year}?", "pct")),
            ("A Keep in Touch protocol ensures that young people who cease contact with the "
             "Leaving Care Service know of their right to return.",
             "The sufficiency strategy aims to increase the number of in-house foster carers "
             "and reduce the use of independent fostering agencies."),
            ("note the report", "ask the Corporate Parenting Board to review placement "
             "stability")),
    )),
    Committee("Finance and Resources Committee", "Finance", (
        Subject("REVENUE BUDGET MONITORING {fyear_upper} - QUARTER {quarter}", (
            _f("At quarter {quarter} the forecast outturn for {fyear} is an overspend of "
               "{money}, mainly in children's and adult social care.",
               "What overspend did {council} forecast for {fyear} at quarter {quarter}?",
               "money"),
            _f("Savings of {money2} have been delivered against the target for the year, with "
               "the remainder expected by March.",
               "How much in savings had {council} delivered at quarter {quarter} of {fyear}?",
               "money2")),
            ("Directors have been asked to identify mitigating actions to bring spending back "
             "within the approved budget by the end of the financial year.",
             "The general fund balance is forecast to remain above the minimum level set by "
             "the Chief Finance Officer.",
             "Income from car parking and leisure has recovered more slowly than assumed when "
             "the budget was set."),
            ("note the forecast outturn position", "approve the virements set out in "
             "Appendix 2")),
        Subject("COUNCIL TAX AND BUDGET PROPOSALS {fyear_upper}", (
            _f("The proposed budget for {fyear} includes a council tax increase of {pct2}, "
               "taking a Band D charge to £{band_d}.",
               "What council tax increase did {council} propose for {fyear}?", "pct2"),
            _f("The capital programme for {fyear} totals {money}, including {money2} for "
               "highway maintenance in {town}.",
               "How large was the capital programme of {council} for {fyear}?", "money")),
            ("The medium term financial strategy shows a budget gap that must be closed "
             "through savings, income generation and the use of reserves.",
             "Consultation on the budget proposals ran for six weeks and received responses "
             "from residents, businesses and the voluntary sector."),
            ("recommend the budget and council tax to Full Council",
             "approve the capital programme for {fyear}")),
    )),
    Committee("Housing Committee", "Housing", (
        Subject("HOUSING REGISTER AND HOMELESSNESS", (
            _f("At 1 {month} {year} there were {n4} households on the housing register of "
               "{council}.",
               "How many households were on the housing register in {council} in {month} "
               "{year}?", "n4"),
            _f("{n3} households were living in temporary accommodation, of which {n2} were in "
               "bed and breakfast.",
               "How many households were in temporary accommodation in {council} in {year}?",
               "n3")),
            ("Demand for homelessness services has risen as private rents in {town} have "
             "increased faster than local housing allowance.",
             "The Council has acquired additional properties for use as temporary "
             "accommodation to reduce its reliance on bed and breakfast."),
            ("note the report", "approve the homelessness prevention strategy for "
             "consultation")),
        Subject("COUNCIL HOUSE BUILDING PROGRAMME", (
            _f("{n3} new council homes were completed in {prev_year}/{year_short}, including "
               "{n2} at {street}, {town}.",
               "How many new council homes did {council} complete in {prev_year}/"
               "{year_short}?", "n3"),
            _f("The number of empty council homes awaiting repair stood at {n3b}.",
               "How many council homes in {council} were empty awaiting repair in {year}?",
               "n3b")),
            ("All new homes are built to a high standard of energy efficiency, with heat "
             "pumps and solar panels fitted as standard.",
             "Right to Buy receipts have been combined with borrowing to fund the programme."),
            ("note the progress of the programme", "approve the acquisition of the site at "
             "{street}, {town}")),
    )),
    Committee("Environment and Transport Committee", "Environment", (
        Subject("WASTE AND RECYCLING PERFORMANCE", (
            _f("The household recycling rate for {prev_year}/{year_short} was {pct}, "
               "compared with the national average of 44%.",
               "What was the recycling rate of {council} in {prev_year}/{year_short}?", "pct"),
            _f("{n4} fly-tipping incidents were recorded across {council} in the year.",
               "How many fly-tipping incidents were recorded in {council} in {year}?", "n4")),
            ("Food waste collections will be introduced to all households in {town} as "
             "required by the Environment Act.",
             "Contamination of recycling bins remains a problem, particularly in flats with "
             "communal bins."),
            ("note the performance of the waste service", "support the introduction of "
             "weekly food waste collections")),
        Subject("HIGHWAY MAINTENANCE AND POTHOLES", (
            _f("Between April and {month} {year} the Council repaired {n4} potholes, of which "
               "{pct} were fixed within the target time.",
               "How many potholes did {council} repair between April and {month} {year}?",
               "n4"),
            _f("The {town} bus network carried {n5} passengers in the year, following the "
               "introduction of a capped fare of £2.",
               "How many bus passengers did the {town} network carry in {year}?", "n5")),
            ("Highway condition surveys show that the proportion of the classified road "
             "network in need of repair has remained stable.",
             "Members asked that the repair of footways near schools be prioritised."),
            ("note the report", "ask officers to review the highway asset management plan")),
    )),
    Committee("Audit Committee", "Audit", (
        Subject("INTERNAL AUDIT PROGRESS REPORT", (
            _f("By the end of {month} {year} Internal Audit had completed {pct} of the audits "
               "in the annual plan.",
               "What share of the internal audit plan had {council} completed by {month} "
               "{year}?", "pct"),
            _f("{n2} audits received limited assurance, including the audit of payroll led by "
               "{officer2}.",
               "How many audits received limited assurance in {council} in {year}?", "n2")),
            ("The Head of Internal Audit is able to give a reasonable assurance opinion on the "
             "Council's framework of governance, risk management and control.",
             "Management actions arising from previous audits are followed up and reported to "
             "the Committee twice a year."),
            ("note the progress against the internal audit plan", "ask the Chief Finance "
             "Officer to attend the next meeting about the payroll audit")),
        Subject("COUNTER FRAUD ANNUAL REPORT", (
            _f("The counter fraud team investigated {n3} cases in {prev_year}/{year_short}, "
               "identifying losses of {money2}.",
               "How many fraud cases did {council} investigate in {prev_year}/{year_short}?",
               "n3"),
            _f("{n2} blue badges were withdrawn following misuse identified by enforcement "
               "officers in {town}.",
               "How many blue badges were withdrawn in {town} in {year}?", "n2")),
            ("The National Fraud Initiative data matching exercise identified overpayments of "
             "single person discount, which are being recovered.",
             "Staff are required to complete fraud awareness training every two years."),
            ("note the annual report", "approve the counter fraud strategy")),
    )),
    Committee("Adult Social Care Committee", "Adult", (
        Subject("HOSPITAL DISCHARGE AND HOME CARE", (
            _f("In {month} {year} an average of {n2} people a day were in hospital awaiting "
               "discharge to social care in {council}.",
               "How many people a day were awaiting discharge to social care in {council} in "
               "{month} {year}?", "n2"),
            _f("Home care providers delivered {n5} hours of care in the quarter.",
               "How many hours of home care were delivered in {council} in {year}?", "n5")),
            ("Recruitment of care workers remains the main constraint on home care capacity, "
             "especially in rural areas around {town}.",
             "The reablement service helps people regain their independence after a stay in "
             "hospital."),
            ("note the report", "approve the increase in home care rates for {fyear}")),
        Subject("CARE HOME MARKET AND FEES", (
            _f("There are {n3} care home beds in {town}, with an occupancy rate of {pct}.",
               "How many care home beds are there in {town}?", "n3"),
            _f("The proposed weekly fee for residential care in {fyear} is £{fee}.",
               "What weekly fee for residential care did {council} propose for {fyear}?",
               "fee")),
            ("The Care Quality Commission rates most homes in the area as good, but {n2b} are "
             "rated as requiring improvement.",
             "Providers reported rising costs of energy, insurance and staff wages."),
            ("approve the fee uplift for {fyear}", "note the market position statement")),
    )),
    Committee("Communities and Leisure Committee", "Communities", (
        Subject("LIBRARIES, LEISURE AND CULTURE", (
            _f("Libraries in {council} recorded {n5} visits in {prev_year}/{year_short}.",
               "How many library visits did {council} record in {prev_year}/{year_short}?",
               "n5"),
            _f("Membership of the {town} leisure centre reached {n4} in {month} {year}.",
               "What was the membership of the {town} leisure centre in {month} {year}?",
               "n4")),
            ("Opening hours at branch libraries were reduced to three days a week because of "
             "staff vacancies.",
             "The summer reading challenge attracted more children than in any year since "
             "{prev_year}."),
            ("note the report", "ask officers to review library opening hours in {town2}")),
        Subject("COMMUNITY GRANTS PROGRAMME {fyear_upper}", (
            _f("The Committee is asked to approve grants totalling {money2} to {n2} community "
               "organisations in {fyear}.",
               "How much did {council} award in community grants in {fyear}?", "money2"),
            _f("The largest grant, of £{grant}, is recommended for the {town} Food Bank.",
               "How large a grant was recommended for the {town} Food Bank?", "grant")),
            ("Applications were assessed by a panel of officers and councillors against the "
             "published criteria.",
             "Groups that were unsuccessful have been offered support to strengthen future "
             "bids."),
            ("approve the grants listed in Appendix 1", "delegate minor changes to the "
             "{role}")),
    )),
)


# Items every committee takes now and then.
SHARED_SUBJECTS: tuple[Subject, ...] = (
    Subject("QUARTERLY PERFORMANCE REPORT - QUARTER {quarter} {fyear}", (
        _f("Of the {n2} performance indicators reported to the {committee} for quarter "
           "{quarter} of {fyear}, {n2b} were on or above target.",
           "How many performance indicators were reported to the {committee} of {council} for "
           "quarter {quarter} of {fyear}?", "n2"),
        _f("Complaints to the service numbered {n3} in the quarter, and {pct} were answered "
           "within ten working days.",
           "How many complaints did the {committee} of {council} hear about for quarter "
           "{quarter} of {fyear}?", "n3")),
        ("Indicators that are off target are shown in red on the dashboard, with the "
         "actions being taken to bring them back on track.",
         "The dashboard has been redesigned following feedback from members at the last "
         "meeting."),
        ("note the performance for the quarter", "ask for exception reports on the "
         "indicators that are off target")),
    Subject("WORK PROGRAMME {fyear}", (
        _f("The work programme for {fyear} lists {n2} items, including a review of services "
           "in {town} led by Councillor {councillor}.",
           "Who leads the review of services in {town} on the work programme of the "
           "{committee} of {council} for {fyear}?", "councillor"),),
        ("Members may suggest further items for the work programme through the Chair or the "
         "Governance Officer.",
         "Items may be added or moved at short notice to respond to emerging issues."),
        ("note the work programme for {fyear}", "add a review of services in {town} to the "
         "work programme")),
)


def extra_slots(rng: random.Random, slots: dict[str, str], year: int) -> dict[str, str]:
    """Slots derived from others, and a few only some subjects use."""
    return {
        **slots,
        "site_upper": slots["site"].upper(), "premises_upper": slots["premises"].upper(),
        "street_upper": slots["street"].upper(), "fyear_upper": slots["fyear"],
        "year_short": f"{year % 100:02d}", "next_year": str(year + 1),
        "quarter": str(rng.randint(1, 3)),
        "band_d": f"{rng.randint(1500, 2400):,}.{rng.randint(10, 99)}",
        "fee": f"{rng.randint(520, 1150):,}", "grant": f"{rng.randint(8, 95) * 1000:,}",
        "role": rng.choice(ROLES),
    }
