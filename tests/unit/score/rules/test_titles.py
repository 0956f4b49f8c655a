"""Reading job titles as a seniority level and a department."""

from __future__ import annotations

import pytest

from leadflow_score.rules.domain.titles import (
    Department,
    JobTitle,
    Seniority,
    normalise_title,
    parse_title,
)

# (title as typed, seniority, department)
TITLES: list[tuple[str, Seniority | None, Department | None]] = [
    # the examples
    ("VP Sales", "vp", "sales"),
    ("Sr. Dir. of Marketing", "head", "marketing"),
    ("Head of IT", "head", "engineering"),
    ("CEO & Founder", "c_level", "executive"),
    ("Chief Revenue Officer", "c_level", "sales"),
    ("Geschäftsführer", "c_level", "executive"),
    ("Directeur commercial", "head", "sales"),
    ("Jefe de ventas", "head", "sales"),
    ("intern", "student", None),
    # CxO, in letters and in full
    ("CEO", "c_level", "executive"),
    ("CFO", "c_level", "finance"),
    ("CTO", "c_level", "engineering"),
    ("CIO", "c_level", "engineering"),
    ("CMO", "c_level", "marketing"),
    ("COO", "c_level", "operations"),
    ("CRO", "c_level", "sales"),
    ("CISO", "c_level", "engineering"),
    ("CPO", "c_level", None),
    ("CDO", "c_level", "engineering"),
    ("CHRO", "c_level", "hr"),
    ("Chief Executive Officer", "c_level", "executive"),
    ("Chief Financial Officer", "c_level", "finance"),
    ("Chief Technology Officer", "c_level", "engineering"),
    ("Chief Information Security Officer", "c_level", "engineering"),
    ("Chief Data Officer", "c_level", "engineering"),
    ("Chief Marketing Officer", "c_level", "marketing"),
    ("Chief Operating Officer", "c_level", "operations"),
    ("Chief People Officer", "c_level", "hr"),
    ("Chief Human Resources Officer", "c_level", "hr"),
    ("Chief Strategy Officer", "c_level", "executive"),
    ("Chief Customer Officer", "c_level", "sales"),
    ("Chief Commercial Officer", "c_level", "sales"),
    ("CCO", "c_level", None),
    ("C-Level Executive", "c_level", "executive"),
    # general management and owners
    ("Founder", "c_level", "executive"),
    ("Co-founder", "c_level", "executive"),
    ("Founder and CTO", "c_level", "engineering"),
    ("Founder & Head of Sales", "c_level", "sales"),
    ("Owner", "c_level", "executive"),
    ("Owner/Operator", "c_level", "executive"),
    ("President", "c_level", "executive"),
    ("President & CEO", "c_level", "executive"),
    ("Managing Director", "c_level", "executive"),
    ("MD", "c_level", "executive"),
    ("General Manager", "c_level", "executive"),
    ("GM EMEA", "c_level", "executive"),
    ("Executive Director", "c_level", "executive"),
    ("Board Member", "c_level", "executive"),
    ("Entrepreneur", "c_level", "executive"),
    ("Interim CEO", "c_level", "executive"),
    ("Partner", "c_level", "executive"),
    ("Managing Partner", "c_level", "executive"),
    ("Senior Partner", "c_level", "executive"),
    ("Founder & Partner", "c_level", "executive"),
    # vice presidents
    ("Vice President", "vp", None),
    ("Vice-President, Finance", "vp", "finance"),
    ("Vice President of Global Sales", "vp", "sales"),
    ("Senior Vice President, Sales", "vp", "sales"),
    ("SVP Ops", "vp", "operations"),
    ("EVP Marketing", "vp", "marketing"),
    ("AVP Finance", "vp", "finance"),
    ("V.P. Sales", "vp", "sales"),
    ("Vice Pres. Marketing", "vp", "marketing"),
    ("VP Engineering", "vp", "engineering"),
    ("VP of People", "vp", "hr"),
    ("VP, Biz Dev", "vp", "sales"),
    # heads and directors
    ("Director", "head", None),
    ("Director of Engineering", "head", "engineering"),
    ("Director of Business Development", "head", "sales"),
    ("Director of Talent Acquisition", "head", "hr"),
    ("Finance Director", "head", "finance"),
    ("Associate Director, Finance", "head", "finance"),
    ("Senior Director, Product Management", "head", "engineering"),
    ("Dir. of Eng.", "head", "engineering"),
    ("Dir, HR", "head", "hr"),
    ("Head of People", "head", "hr"),
    ("Head of Growth", "head", "marketing"),
    ("Head of Customer Success", "head", "sales"),
    ("Head of Data & Analytics", "head", "engineering"),
    ("Head of Security", "head", "engineering"),
    ("Finance & Operations Director", "head", "finance"),
    ("Head - Sales", "head", "sales"),
    ("Chief of Staff", "head", "executive"),
    # managers and leads
    ("Manager", "manager", None),
    ("Sales Manager", "manager", "sales"),
    ("Regional Sales Manager", "manager", "sales"),
    ("Key Account Manager", "manager", "sales"),
    ("Customer Success Manager", "manager", "sales"),
    ("Revenue Operations Manager", "manager", "sales"),
    ("Business Development Manager", "manager", "sales"),
    ("Marketing Manager", "manager", "marketing"),
    ("Product Marketing Manager", "manager", "marketing"),
    ("Demand Generation Manager", "manager", "marketing"),
    ("PR Manager", "manager", "marketing"),
    ("Brand Manager", "manager", "marketing"),
    ("Accounting Manager", "manager", "finance"),
    ("Purchasing Manager", "manager", "operations"),
    ("Sales Operations Manager", "manager", "sales"),
    ("IT Operations Manager", "manager", "engineering"),
    ("Product Manager", "manager", "engineering"),
    ("Engineering Manager", "manager", "engineering"),
    ("IT Mgr", "manager", "engineering"),
    ("Mgr, Mktg", "manager", "marketing"),
    ("Sr Acct Mgr", "manager", "sales"),
    ("Operations Manager", "manager", "operations"),
    ("Office Manager", "manager", "operations"),
    ("People Operations Manager", "manager", "hr"),
    ("Learning & Development Manager", "manager", "hr"),
    ("Assistant Manager", "manager", None),
    ("Partner Manager", "manager", "sales"),
    ("Team Lead", "manager", None),
    ("Tech Lead", "manager", "engineering"),
    ("Lead Engineer", "manager", "engineering"),
    ("Growth Lead", "manager", "marketing"),
    ("Ops Lead", "manager", "operations"),
    ("Supervisor", "manager", None),
    ("Warehouse Supervisor", "manager", "operations"),
    # individual contributors
    ("Software Engineer", "individual", "engineering"),
    ("Engineer", "individual", "engineering"),
    ("Developer", "individual", "engineering"),
    ("Senior Software Engineer", "individual", "engineering"),
    ("Principal Engineer", "individual", "engineering"),
    ("Staff Engineer", "individual", "engineering"),
    ("Jr. Developer", "individual", "engineering"),
    ("DevOps Engineer", "individual", "engineering"),
    ("QA Engineer", "individual", "engineering"),
    ("Data Scientist", "individual", "engineering"),
    ("Data Analyst", "individual", "engineering"),
    ("Solutions Architect", "individual", "engineering"),
    ("IT Administrator", "individual", "engineering"),
    ("UX Designer", "individual", "engineering"),
    ("Product Owner", "individual", "engineering"),
    ("Scrum Master", "individual", "engineering"),
    ("Cybersecurity Analyst", "individual", "engineering"),
    ("Sales Engineer", "individual", "sales"),
    ("Account Executive", "individual", "sales"),
    ("AE", "individual", "sales"),
    ("Acct Exec", "individual", "sales"),
    ("SDR", "individual", "sales"),
    ("BDR", "individual", "sales"),
    ("Sales Rep", "individual", "sales"),
    ("Sales Development Representative", "individual", "sales"),
    ("Inside Sales Representative", "individual", "sales"),
    ("Sales Executive", "individual", "sales"),
    ("Sales Operations Analyst", "individual", "sales"),
    ("Marketing Coordinator", "individual", "marketing"),
    ("Marketing Data Analyst", "individual", "marketing"),
    ("Content Writer", "individual", "marketing"),
    ("Copywriter", "individual", "marketing"),
    ("SEO Specialist", "individual", "marketing"),
    ("Communications Specialist", "individual", "marketing"),
    ("Lead Generation Specialist", "individual", "marketing"),
    ("Media Buyer", "individual", "marketing"),
    ("Financial Analyst", "individual", "finance"),
    ("Accountant", "individual", "finance"),
    ("Controller", "individual", "finance"),
    ("Treasury Analyst", "individual", "finance"),
    ("Internal Auditor", "individual", "finance"),
    ("Supply Chain Analyst", "individual", "operations"),
    ("Procurement Specialist", "individual", "operations"),
    ("Logistics Coordinator", "individual", "operations"),
    ("Buyer", "individual", "operations"),
    ("Customer Support Specialist", "individual", "operations"),
    ("Recruiter", "individual", "hr"),
    ("Recruiting Coordinator", "individual", "hr"),
    ("Technical Recruiter", "individual", "hr"),
    ("HR Generalist", "individual", "hr"),
    ("HR Business Partner", "individual", "hr"),
    ("HRBP", "individual", "hr"),
    ("Talent Acquisition Partner", "individual", "hr"),
    ("Executive Assistant", "individual", "executive"),
    ("Assistant to the CEO", "individual", "executive"),
    ("Management Consultant", "individual", None),
    ("Consultant", "individual", None),
    ("Associate", "individual", None),
    ("Coordinator", "individual", None),
    ("Analyst", "individual", None),
    ("Specialist", "individual", None),
    ("Assistant", "individual", None),
    ("Student Services Coordinator", "individual", None),
    # students
    ("Student", "student", None),
    ("Intern", "student", None),
    ("Internship", "student", None),
    ("Marketing Intern", "student", "marketing"),
    ("Software Engineering Intern", "student", "engineering"),
    ("Trainee", "student", None),
    ("Graduate Trainee", "student", None),
    ("Apprentice", "student", None),
    ("PhD candidate", "student", None),
    ("Working Student Sales", "student", "sales"),
    # German
    ("Geschaeftsfuehrer", "c_level", "executive"),
    ("Geschäftsführer Vertrieb", "c_level", "sales"),
    ("Geschäftsführender Gesellschafter", "c_level", "executive"),
    ("Inhaber", "c_level", "executive"),
    ("Gründer", "c_level", "executive"),
    ("Mitgründer & CTO", "c_level", "engineering"),
    ("Vorstand Vertrieb", "c_level", "sales"),
    ("Leiter Vertrieb", "head", "sales"),
    ("Leiterin Personal", "head", "hr"),
    ("Leiter(in) Controlling", "head", "finance"),
    ("Vertriebsleiter", "head", "sales"),
    ("Verkaufsleiter", "head", "sales"),
    ("Marketingleiterin", "head", "marketing"),
    ("IT-Leiter", "head", "engineering"),
    ("Leiter EDV", "head", "engineering"),
    ("Technischer Leiter", "head", "engineering"),
    ("Kaufmännischer Leiter", "head", "finance"),
    ("Bereichsleiter Finanzen", "head", "finance"),
    ("Einkaufsleiter", "head", "operations"),
    ("Leitung Marketing", "head", "marketing"),
    ("Prokurist", "head", None),
    ("Abteilungsleiter", "manager", None),
    ("Abteilungsleiter Einkauf", "manager", "operations"),
    ("Teamleiter", "manager", None),
    ("Teamleiter Kundenservice", "manager", "operations"),
    ("Gruppenleiter IT", "manager", "engineering"),
    ("Projektmanager", "manager", None),
    ("Produktmanager", "manager", "engineering"),
    ("Softwareentwickler", "individual", "engineering"),
    ("Entwickler", "individual", "engineering"),
    ("Fachinformatiker für Anwendungsentwicklung", "individual", "engineering"),
    ("Vertriebsmitarbeiter (m/w/d)", "individual", "sales"),
    ("Mitarbeiter/in Vertrieb", "individual", "sales"),
    ("Außendienstmitarbeiter", "individual", "sales"),
    ("Verkäuferin", "individual", "sales"),
    ("Einkäufer", "individual", "operations"),
    ("Personalreferentin", "individual", "hr"),
    ("Sachbearbeiter", "individual", None),
    ("Sachbearbeiterin Buchhaltung", "individual", "finance"),
    ("Finanzbuchhalterin", "individual", "finance"),
    ("Kaufmann", "individual", None),
    ("Kauffrau für Büromanagement", "individual", None),
    ("Assistentin der Geschäftsführung", "individual", "executive"),
    ("Werkstudent", "student", None),
    ("Werkstudentin Marketing", "student", "marketing"),
    ("Praktikant(in) Marketing", "student", "marketing"),
    ("Praktikantin", "student", None),
    ("Praktikant", "student", None),
    ("Azubi", "student", None),
    ("Azubi Industriekaufmann", "student", None),
    ("Doktorand", "student", None),
    # French
    ("PDG", "c_level", "executive"),
    ("Directeur général", "c_level", "executive"),
    ("Gérant", "c_level", "executive"),
    ("Directrice marketing", "head", "marketing"),
    ("Directeur financier", "head", "finance"),
    ("Directeur technique", "head", "engineering"),
    ("Directrice des ressources humaines", "head", "hr"),
    ("Directeur des systèmes d'information", "head", "engineering"),
    ("DRH", "head", "hr"),
    ("DAF", "head", "finance"),
    ("Responsable commercial", "head", "sales"),
    ("Responsable des achats", "head", "operations"),
    ("Chef des ventes", "head", "sales"),
    ("Chef de projet informatique", "manager", "engineering"),
    ("Chef d\u2019équipe", "manager", None),
    ("Ingénieur", "individual", "engineering"),
    ("Ingénieur commercial", "individual", "sales"),
    ("Ingénieur logiciel", "individual", "engineering"),
    ("Développeuse web", "individual", "engineering"),
    ("Chargée de communication", "individual", "marketing"),
    ("Comptable", "individual", "finance"),
    ("Contrôleur de gestion", "individual", "finance"),
    ("Acheteur", "individual", "operations"),
    ("Stagiaire", "student", None),
    ("Stagiaire marketing", "student", "marketing"),
    ("Étudiant", "student", None),
    ("Alternant commercial", "student", "sales"),
    # Spanish
    ("Director General", "c_level", "executive"),
    ("Gerente General", "c_level", "executive"),
    ("Fundador", "c_level", "executive"),
    ("Presidente", "c_level", "executive"),
    ("Vicepresidente de Ventas", "vp", "sales"),
    ("Director de Ventas", "head", "sales"),
    ("Directora de Marketing", "head", "marketing"),
    ("Director de TI", "head", "engineering"),
    ("Director de Finanzas", "head", "finance"),
    ("Gerente de Operaciones", "head", "operations"),
    ("Jefa de Recursos Humanos", "head", "hr"),
    ("Jefe de Sistemas", "head", "engineering"),
    ("Jefe/a de ventas", "head", "sales"),
    ("Gerente de Mercadotecnia", "head", "marketing"),
    ("Responsable de RRHH", "head", "hr"),
    ("Jefe de proyecto", "manager", None),
    ("Supervisor de ventas", "manager", "sales"),
    ("Ejecutivo de Ventas", "individual", "sales"),
    ("Ejecutiva de Cuentas", "individual", "sales"),
    ("Representante de ventas", "individual", "sales"),
    ("Vendedor", "individual", "sales"),
    ("Asesor Comercial", "individual", "sales"),
    ("Ingeniero de Software", "individual", "engineering"),
    ("Ingeniero/a de software", "individual", "engineering"),
    ("Analista financiero", "individual", "finance"),
    ("Contador", "individual", "finance"),
    ("Coordinador de Logística", "individual", "operations"),
    ("Becario", "student", None),
    ("Becaria de Marketing", "student", "marketing"),
    ("Estudiante", "student", None),
    # Portuguese
    ("Diretor Geral", "c_level", "executive"),
    ("Sócio-Diretor", "c_level", "executive"),
    ("Diretor Comercial", "head", "sales"),
    ("Diretora de RH", "head", "hr"),
    ("Gerente de Vendas", "head", "sales"),
    ("Gerente de Operações", "head", "operations"),
    ("Analista de Dados", "individual", "engineering"),
    ("Analista de Sistemas", "individual", "engineering"),
    ("Engenheiro de Software", "individual", "engineering"),
    ("Desenvolvedor Full Stack", "individual", "engineering"),
    ("Coordenadora de RH", "individual", "hr"),
    ("Executivo de Contas", "individual", "sales"),
    ("Vendedora", "individual", "sales"),
    ("Assistente Administrativo", "individual", "operations"),
    ("Estagiário de Marketing", "student", "marketing"),
    # Dutch, Danish, Swedish
    ("Algemeen directeur", "c_level", "executive"),
    ("Eigenaar", "c_level", "executive"),
    ("Oprichter", "c_level", "executive"),
    ("Commercieel directeur", "head", "sales"),
    ("Financieel directeur", "head", "finance"),
    ("Hoofd Inkoop", "head", "operations"),
    ("Accountmanager", "manager", "sales"),
    ("Teamleider klantenservice", "manager", "operations"),
    ("Medewerker Verkoop", "individual", "sales"),
    ("Stagiair marketing", "student", "marketing"),
    ("Administrerende direktør", "c_level", "executive"),
    ("Salgsdirektør", "head", "sales"),
    ("Salgschef", "head", "sales"),
    ("Økonomichef", "head", "finance"),
    ("Projektleder", "manager", None),
    ("Udvikler", "individual", "engineering"),
    ("Salgskonsulent", "individual", "sales"),
    ("VD", "c_level", "executive"),
    ("Försäljningschef", "head", "sales"),
    ("Marknadschef", "head", "marketing"),
    ("Inköpschef", "head", "operations"),
    ("Säljare", "individual", "sales"),
    ("Utvecklare", "individual", "engineering"),
    # word order, separators, case, spacing, a trailing company
    ("Sales VP", "vp", "sales"),
    ("Marketing, Head of", "head", "marketing"),
    ("Director, Sales", "head", "sales"),
    ("Engineering \u2013 Director", "head", "engineering"),
    ("vp   sales", "vp", "sales"),
    ("VP-Sales", "vp", "sales"),
    ("VP_Sales", "vp", "sales"),
    ("HEAD OF MARKETING", "head", "marketing"),
    ("  ceo.  ", "c_level", "executive"),
    ("VP Sales at Acme", "vp", "sales"),
    ("VP of Sales @Acme", "vp", "sales"),
    ("Marketing Manager @ Data Inc", "manager", "marketing"),
    ("Founder at Sales Hacker", "c_level", "executive"),
    ("Werkstudent bei SAP", "student", None),
    ("Directeur commercial chez Acme", "head", "sales"),
    # two levels: the highest wins
    ("Director of Sales / Interim VP", "vp", "sales"),
    ("EVP & CFO", "c_level", "finance"),
    ("Engineer & Team Lead", "manager", "engineering"),
    ("Intern / Software Engineer", "student", "engineering"),
    # levels held no longer
    ("Ex-CEO", None, "executive"),
    ("Former VP Sales, now Consultant", "individual", "sales"),
    # nothing to read
    ("Sales", None, "sales"),
    ("Senior", None, None),
    ("Astronaut", None, None),
    ("N/A", None, None),
]


def test_the_table_is_large_and_has_no_repeats():
    titles = [title for title, _, _ in TITLES]
    assert len(titles) >= 120
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize(("title", "seniority", "department"), TITLES)
def test_a_title_reads_as_its_level_and_department(
    title: str, seniority: Seniority | None, department: Department | None
):
    parsed = parse_title(title)
    assert (parsed.seniority, parsed.department) == (seniority, department)


@pytest.mark.parametrize(("title", "_seniority", "_department"), TITLES)
def test_the_deciding_words_are_part_of_the_title_as_typed(
    title: str, _seniority: Seniority | None, _department: Department | None
):
    parsed = parse_title(title)
    normalised = normalise_title(title)
    assert (parsed.seniority_by is None) == (parsed.seniority is None)
    assert (parsed.department_by is None) == (parsed.department is None)
    for by in (parsed.seniority_by, parsed.department_by):
        if by is not None:
            assert by and by == by.strip() and len(by) <= 40
            assert by in normalised


@pytest.mark.parametrize("title", [None, "", " ", "\t \n", " , / - "])
def test_nothing_reads_as_nothing(title: str | None):
    assert parse_title(title) == JobTitle(None, None, None, None)


@pytest.mark.parametrize(
    ("title", "seniority_by", "department_by"),
    [
        ("Sr. Dir. of Marketing", "sr. dir.", "marketing"),
        ("VP Sales", "vp", "sales"),
        ("Head of IT", "head of", "it"),
        ("Marketing, Head of", "head of", "marketing"),
        ("Geschäftsführer", "geschäftsführer", "geschäftsführer"),
        ("Chief Revenue Officer", "chief revenue officer", "revenue"),
        ("Vertriebsleiter", "vertriebsleiter", "vertriebsleiter"),
        ("Senior Vice President, Sales", "senior vice president", "sales"),
        ("Founder and CTO", "founder", "cto"),
        ("Praktikant(in) Marketing", "praktikant", "marketing"),
        ("Assistant to the CEO", "assistant", "ceo"),
        ("Jefe de ventas", "jefe", "ventas"),
    ],
)
def test_the_deciding_words_are_short_fragments_a_rep_recognises(
    title: str, seniority_by: str, department_by: str
):
    parsed = parse_title(title)
    assert (parsed.seniority_by, parsed.department_by) == (seniority_by, department_by)


@pytest.mark.parametrize(
    ("title", "seniority", "by"),
    [
        ("CEO & Founder", "c_level", "ceo"),
        ("Founder and CTO", "c_level", "founder"),
        ("Director of Sales / Interim VP", "vp", "interim vp"),
        ("Engineer, Team Lead", "manager", "team lead"),
        ("Head of Sales and Marketing Manager", "head", "head of"),
        ("Analyst / Intern", "student", "intern"),
    ],
)
def test_the_highest_level_named_wins(title: str, seniority: Seniority, by: str):
    parsed = parse_title(title)
    assert (parsed.seniority, parsed.seniority_by) == (seniority, by)


@pytest.mark.parametrize(
    ("plain", "modified"),
    [
        ("Engineer", "Senior Engineer"),
        ("Engineer", "Sr. Engineer"),
        ("Developer", "Junior Developer"),
        ("Developer", "Jr. Developer"),
        ("Director", "Sr. Director"),
        ("Director", "Associate Director"),
        ("Manager", "Senior Manager"),
        ("VP Sales", "SVP Sales"),
        ("Vice President", "Executive Vice President"),
        ("Analyst", "Principal Analyst"),
    ],
)
def test_senior_and_junior_do_not_change_the_level(plain: str, modified: str):
    assert parse_title(modified).seniority == parse_title(plain).seniority is not None
    assert parse_title(modified).department == parse_title(plain).department


def test_a_modifier_is_quoted_with_the_level_it_qualifies():
    assert parse_title("Senior Engineer").seniority_by == "senior engineer"
    assert parse_title("Sr. Director, Sales").seniority_by == "sr. director"
    assert parse_title("Junior").seniority is None


@pytest.mark.parametrize(
    ("title", "company_words"),
    [
        ("VP Sales at Data Systems Inc", "data"),
        ("Marketing Manager @ IT Partners", "it"),
        ("Founder at Sales Hacker", "sales"),
        ("Werkstudent bei SAP", "sap"),
        ("Directeur commercial chez Marketing SA", "marketing"),
    ],
)
def test_a_trailing_company_is_not_read(title: str, company_words: str):
    without_company = title.split(" at ")[0].split(" @ ")[0].split(" bei ")[0].split(" chez ")[0]
    assert parse_title(title) == parse_title(without_company)
    assert company_words not in normalise_title(title)


def test_the_normalised_title_keeps_what_was_typed_but_its_form():
    assert normalise_title("  Sr.  Dir. of   Marketing ") == "sr. dir. of marketing"
    assert normalise_title("Leiter(in) Vertrieb (m/w/d)") == "leiter vertrieb"
    assert normalise_title("Head of Sales \u2013 EMEA at Acme") == "head of sales - emea"
    assert normalise_title("Geschäftsführer") == "geschäftsführer"


def test_parsing_is_cached():
    assert parse_title("VP Sales") is parse_title("VP Sales")
