"""Reading a free-text job title as a seniority level and a department.

A title is normalised first: NFKC, lower case, one space between words, typographic dashes
and quotes made plain, gender marks dropped ("(m/w/d)", "Leiter(in)", "Mitarbeiter/in",
"Director/a") and a trailing company cut off ("VP Sales at Acme", "@ Acme", "bei", "chez").
Words are then matched without accents ("Geschäftsführer" = "Geschaeftsfuehrer"), so word
order, separators and most spellings do not matter; ``seniority_by`` and ``department_by``
are the words that decided, as they stand in the normalised title.

Levels are tried from the highest: ``c_level``, ``vp``, ``head``, ``manager``, ``student``,
``individual``; the first that matches anywhere wins, so "Founder and CTO" and "Director
of Sales / Interim VP" read at their highest level. ``head`` covers head of, director and
their equivalents (Leiter, directeur, jefe, gerente, responsable, -chef); ``individual``
covers every hands-on role (engineer, analyst, specialist, consultant, rep, coordinator,
assistant ...). A student's title names the trade they learn ("Software Engineering
Intern"), so ``student`` is tried before ``individual``. Senior, junior, associate,
deputy, interim and the like never change the level ("Senior Engineer" is individual,
"Sr. Director" head). A level held no longer ("Ex-CEO", "former VP") or held by someone
else ("Assistant to the CEO") does not count. A firm's partner ("Partner", "Managing
Partner") is an owner, so c_level; other partners ("Partner Manager", "HR Business
Partner") are not. An executive director runs the organisation, so is c_level too.

A department is read from the most telling words first: roles that belong to one function
(CxOs, recruiter, accountant, account executive), then business functions (sales,
marketing, HR, finance), then domains (IT, data, operations, strategy), then weaker hints
(product, engineer, buyer), and last the general-management ranks (founder, owner,
managing director), so "Founder & Head of Sales" is in sales and "Founder" alone is
executive. Within one step the leftmost word wins. Customer success counts as sales,
customer service and support as operations; CPO, CCO, CSO, CAO and CLO name no
department, their letters being shared by several.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, cast

Seniority = Literal["c_level", "vp", "head", "manager", "individual", "student"]
Department = Literal[
    "sales", "marketing", "engineering", "finance", "operations", "hr", "executive"
]


@dataclass(frozen=True, slots=True)
class JobTitle:
    seniority: Seniority | None
    department: Department | None
    seniority_by: str | None
    department_by: str | None


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _words(alternatives: str) -> str:
    r"""Whole words or phrases, ``a|b`` as ``\b(?:a|b)\b``."""
    return rf"\b(?:{alternatives})\b"


# Normalising: plain dashes and quotes, gender marks, a trailing company.
_PLAIN = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                        "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'",
                        "\u00b4": "'", "`": "'", "_": " "})  # fmt: skip
_GENDER_MARKS = re.compile(
    r"\(\s*(?:[mwfdhx](?:\s*/\s*[mwfdhx]){1,2}|all genders|gn\*?)\s*\)|\b[mwf]/[mwf]/[dx]\b"
)
_GENDER_ENDINGS = re.compile(
    r"(?<=[^\W\d_])(?:\((?:in|innen|e|a|ne|trice|euse|o|r|es)\)|[/:*_](?:in|innen)\b|/a\b(?!-))"
)
_COMPANY = re.compile(r"\s(?:at|bei|chez|hos|på|bij)\s.*$|\s*@.*$")
_FOLD = {"ø": "o", "đ": "d", "ł": "l"}


def normalise_title(title: str | None) -> str:
    """The title as it is read and quoted: see the module docstring."""
    text = unicodedata.normalize("NFKC", title or "").lower()
    text = _GENDER_ENDINGS.sub("", _GENDER_MARKS.sub("", text)).translate(_PLAIN)
    text = " ".join(text.split())
    return _COMPANY.sub("", text).strip(" ,;:|/&-")


def _fold(text: str) -> str:
    """Accents off, one character for one, so that positions still match ``text``."""
    return "".join(_FOLD.get(char) or unicodedata.normalize("NFD", char)[0] for char in text)


# Seniority. Patterns match the folded title (lower case, no accents).
_CXO = _words("ceo|cfo|cto|cio|cmo|coo|cro|ciso|cpo|cdo|chro|cco|cso|cao|clo|cxo|cdio|cino")
_CHIEF_OFFICER = r"\bchief(?:[ -]+[^ ,/|()]+){1,4}?[ -]+officer\b|\bchief executive\b"
_NOT_VICE = r"(?<!vice)(?<!vice )(?<!vice-)(?<!vize)(?<!vize )(?<!vize-)"
_THINGS_OWNED = r"product|process|data|service|system|application|content|risk|budget|platform"
_NOT_A_THING_OWNER = "".join(f"(?<!{thing} )" for thing in (*_THINGS_OWNED.split("|"), "control"))
_EXECUTIVE_RANKS = _any(
    r"\b(?:co-?|co |mit|med)?(?:founder|fundadora?|fondat(?:eur|rice)|gr(?:u|ue)nder(?:in)?"
    r"|oprichter|grundare|grundl(?:ae|æ)gger|stifter(?:in)?)\b",
    rf"\b{_NOT_A_THING_OWNER}(?:co-?)?owner\b",
    rf"\b{_NOT_VICE}pr(?:e|a|ae)sident(?:e|a|in)?\b",
    r"\b(?:exec|mng|man)\.? dir\b\.?",
    _words(
        r"inhaber(?:in)?|propietari[oa]|proprietaire|proprietari[oa]|duen[oa]|eigenaar|ejer"
        r"|indehaver|agare|gesellschafter(?:in)?|teilhaber(?:in)?|soci[oa]|zaakvoerder|gerante?"
        r"|entrepreneur|unternehmer(?:in)?|empresari[oa]|empreendedora?|emprendedora?"
        r"|c-level|c-suite|managing director|md|general manager|gm|gf"
        r"|gesch(?:a|ae)ftsf(?:u|ue)hrer(?:in)?|gesch(?:a|ae)ftsf(?:u|ue)hrende[rn]?"
        r"|gesch(?:a|ae)ftsleitung|gerente (?:general|geral)"
        r"|(?:directeur|directrice|director|directora|diretor|diretora|direttore)"
        r" (?:general|generale|geral)"
        r"|general director|algemeen directeur|directeur-generaal"
        r"|adm(?:inistrerende|\.)? ?direktor|verkstallande direktor|vd|dg|pdg"
        r"|executive director|directora? ejecutiv[oa]|diretora? executiv[oa]"
        r"|diretora?[- ]presidente|chair(?:man|woman|person)|board member|member of the board"
        r"|board director|vorstand\w*|aufsichtsrat\w*"
    ),
)
# A firm's partner: "Partner", "Managing Partner", "Founder & Partner"; not "Partner Manager".
_FIRM_PARTNER = (
    r"(?:^|(?<=[,&/|(-])|(?<=[,&/|(-] )|(?<=\band )|(?<=\bund )|(?<=\bet )|(?<=\by )|(?<=\be ))"
    r"(?:(?:managing|senior|sr\.?|founding|general|equity|salaried|named?|executive|co-?) ?)?"
    r"partner\b(?= *(?:$|[,&/|(-]|and\b|und\b|et\b|y\b|e\b|of\b))"
)
_C_LEVEL = _any(_CXO, _CHIEF_OFFICER, _EXECUTIVE_RANKS, _FIRM_PARTNER)
_VP = _any(
    r"\b[saegr]?vp\b",
    r"\bv\.p\b\.?",
    r"\bvice[- ]?president[ea]?\b",
    r"\bvice[- ]?pres\b\.?",
    r"\bvize-?pr(?:a|ae)sident(?:in)?\b",
    r"\bvice[- ]vd\b",
)
_MANAGER_LEITER = r"(?:abteilungs|team|gruppen|projekt|filial|schicht|markt|buro|standort|objekt)"
_MANAGER_LEDER = r"(?:afdelings|team|projekt|gruppe)"
_MANAGER_CHEF = r"(?:de (?:projets?|produits?|rayon|secteur)|d'equipe)\b"
_MANAGER_JEFE = r"de (?:proyectos?|equipo|producto|turno)\b"
_HEAD = _any(
    r"\bhead of\b",
    r"\bhead\b",
    r"\bchief(?: of staff|[ -]\w+)?",
    r"\bassociate partner\b",
    r"\b\w*?(?:director|directora|directrice|directeur|diretor|diretora|direktor|direktorin"
    r"|direttore)\b",
    r"\bdir\b\.?",
    rf"\b(?!{_MANAGER_LEITER}leit)\w*?leit(?:er|erin|ung)\b",
    rf"\b(?!{_MANAGER_LEDER}leder)\w*?leder\b",
    r"\b\w+-?chef\b",
    rf"\bchef(?= (?!{_MANAGER_CHEF})(?:de la|de|du|des|d'))",
    rf"\bjef[ea]\b(?! {_MANAGER_JEFE})",
    _words(r"responsable|gerente|hoofd|prokurist(?:in)?|dsi|drh|daf"),
)
_MANAGER = _any(
    r"\b\w*?manager(?:in)?\b",
    r"\bmn?gr\b\.?",
    r"\bteam ?lead(?:er)?\b",
    r"\blead(?:er)?\b(?![ -]*(?:gen\b|generation|development|qualification|nurtur|management"
    r"|routing|scoring|research))",
    rf"\b{_MANAGER_LEITER}leit(?:er|erin|ung)\b",
    rf"\b{_MANAGER_LEDER}leder\b",
    r"\b\w*ledare\b",
    r"\b\w*leider\b",
    rf"\bchef {_MANAGER_CHEF}",
    rf"\bjef[ea] {_MANAGER_JEFE}",
    _words(
        r"supervis(?:or|ora|eur|eure|euse)|superintendent|foreman|vorarbeiter(?:in)?|gestora?"
        r"|encargad[oa]"
    ),
)
_STUDENT = _any(
    r"\bstudent(?:in)?\b(?! (?:services|affairs|success|recruit|advis|support|counsel))",
    _words(
        r"werkstudent(?:in)?|interns?|internships?|trainees?|apprentice(?:ship)?"
        r"|praktikant(?:in)?|praktikum|azubi|auszubildende[rn]?|stagiaire|stagiair|becari[oa]"
        r"|estudiante|etudiante?|estudante|estagiari[oa]|pasante|practicante"
        r"|ph\.?d\.? (?:candidate|student|researcher|fellow)"
        r"|doctoral (?:candidate|student|researcher)|doktorand(?:in)?|doctorante?"
        r"|graduate student|undergrad(?:uate)?|alternante?|apprentie?|aprendiz|l(?:ae|æ)rling"
        r"|masterand(?:in)?|bachelorand(?:in)?|diplomand(?:in)?"
    ),
)
_INDIVIDUAL = _words(
    # roles in more than one word, abbreviations
    r"account executive|acct\.? exec\w*|(?:sales|business) development rep\w*|sales rep\w*"
    r"|executive assistant|product owner|scrum master|business partner"
    r"|member of (?:the )?(?:technical )?staff|ae|sdr|bdr|ldr|hrbp|swe|dev|asst\.?|coord\.?"
    # English
    r"|engineers?|developers?|programmers?|architects?|designers?|analysts?|specialists?"
    r"|consultants?|advis[oe]rs?|representatives?|rep|associates?|assistants?|coordinators?"
    r"|administrators?|admin|officers?|clerks?|technicians?|agents?|accountants?|bookkeeper"
    r"|controllers?|auditors?|recruiters?|sourcer|scientists?|researchers?|writer|copywriter"
    r"|editor|marketer|buyers?|planner|trainer|generalist|strategist|executives?"
    r"|sales(?:man|woman|person)|seller|employees?|expert|operator|dispatcher|freelancer?"
    r"|contractor|tester|teacher|lecturer|professor|evangelist|ambassador|paralegal|lawyer"
    r"|attorney|counsel|economist|statistician|producer|translator|secretary|receptionist"
    r"|fellow|postdoc|partners?"
    # German
    r"|\w*entwickler(?:in)?|\w*ingenieur(?:in)?|\w*berater(?:in)?|\w*referent(?:in)?"
    r"|\w*sachbearbeiter(?:in)?|\w*mitarbeiter(?:in)?|\w*kauf(?:mann|frau|leute)"
    r"|\w*spezialist(?:in)?|\w*informatiker(?:in)?|\w*assistent(?:in)?|assistenz"
    r"|\w*verkaufer(?:in)?|\w*einkaufer(?:in)?|\w*buchhalter(?:in)?|analystin"
    r"|\w*disponent(?:in)?|\w*betreuer(?:in)?|\w*techniker(?:in)?|\w*fachkraft"
    r"|\w*programmierer(?:in)?|\w*redakteur(?:in)?|\w*controller(?:in)?"
    # French
    r"|developpeu(?:r|se)|analyste|consultante?|conseill(?:er|ere)|assistante?"
    r"|chargee?(?= (?:de|d'|du|des))|attachee? commerciale?|technico-commerciale?"
    r"|deleguee? commerciale?|^commerciale?$|comptable|acheteu(?:r|se)|technicien(?:ne)?"
    r"|vendeu(?:r|se)|gestionnaire|controleu(?:r|se)|redact(?:eur|rice)|employee?"
    # Spanish, Portuguese
    r"|ingenier[oa]|engenheir[oa]|desarrollador(?:a)?|desenvolvedor(?:a)?|programador(?:a)?"
    r"|analista|especialista|consultora?|asesora?|assessora?|asistente|assistente|auxiliar"
    r"|coordinador(?:a)?|coordenador(?:a)?|tecnic[oa]|vendedor(?:a)?|ejecutiv[oa]"
    r"|executiv[oa]|representante|agente|administrativ[oa]|contador(?:a)?|comprador(?:a)?"
    r"|atendente|promotor(?:a)?|emplead[oa]|funcionari[oa]"
    # Dutch, Danish, Swedish, Norwegian
    r"|\w*medewerker|\w*adviseur|ontwikkelaar|verkoper|inkoper|vertegenwoordiger|udvikler"
    r"|utvecklare|utvikler|\w*konsulent|\w*konsult|\w*s(?:ae|æ)lger|\w*saljare|\w*selger"
    r"|\w*medarbejder|\w*medarbetare|\w*inkopare|\w*forare|radgiver|radgivare|ingenior"
    r"|ingenjor|sagsbehandler|handlaggare|koordinator|ekonom"
)
_LEVELS: tuple[tuple[Seniority, re.Pattern[str]], ...] = (
    ("c_level", re.compile(_C_LEVEL)),
    ("vp", re.compile(_VP)),
    ("head", re.compile(_HEAD)),
    ("manager", re.compile(_MANAGER)),
    ("student", re.compile(_STUDENT)),
    ("individual", re.compile(_INDIVIDUAL)),
)
# "Assistant to the CEO", "Assistentin der Geschäftsführung": the rank named after is not
# the assistant's own, so seniority is read only up to here.
_ASSISTANT_TO = re.compile(
    r"\b(?:(?:executive|personal|administrative|exec\.?) )?"
    r"(?:assistant|assistante|assistent(?:in)?|assistenz|asistente|assistente|secretary"
    r"|secretaria|secretaire|sekretar(?:in)?|referent(?:in)?|ea|pa)"
    r" (?:to|of|for|der|des|du|de la|de|da|do|del)\b"
)
# "Ex-CEO", "former VP Sales": a level held no longer.
_FORMER = re.compile(
    r"\b(?:ex|former|formerly|retired|ehemalige[rn]?|ancien(?:ne)?|antigu[oa])(?: |-| -)$"
)
_MODIFIERS = re.compile(
    r"(?:\b(?:senior|sr\.?|snr\.?|junior|jr\.?|associate|assistant|asst\.?|deputy|interim"
    r"|acting|executive|exec\.?|principal|staff|stellvertretende[rn]?|stv\.?|adjointe?)\s+)+$"
)


# Departments, tried step by step (see the module docstring); named groups name them.
def _departments(**patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in patterns.items()))


_BY_ROLE = _departments(
    executive=_words("ceo|chief executive|pdg"),
    finance=_any(
        _words(
            r"cfo|daf|comptable|contador(?:a)?|contable|controleu(?:r|se)|contralor\w*"
            r"|accounts (?:payable|receivable)|treasurer|tesorer[oa]"
        ),
        r"(?<=chief )(?:financ\w*|accounting)\b",
        r"accountan|bookkeep|buchhalt|controll(?:er|erin|ing)\b|\bauditor",
    ),
    engineering=_any(
        _words("cto|cio|ciso|cdo|cdio|cino|dsi"),
        r"(?<=chief )(?:technology|technical|information|security|data|digital|product"
        r"|innovation|ai)\b",
    ),
    marketing=_any(
        _words("cmo|marketer"),
        r"(?<=chief )(?:marketing|growth|brand|communications?|content)\b",
        r"copywrit",
    ),
    sales=_any(
        _words(
            r"cro|account executive|acct\.? exec\w*|ae|sdr|bdr|ldr|vendedor(?:a)?|vendeu(?:r|se)"
            r"|verkoper|sales(?:man|woman|person|people)"
        ),
        r"(?<=chief )(?:revenue|sales|commercial|customer)\b",
        r"verkaufer|saljare|s(?:ae|æ)lger|\bselger",
    ),
    operations=_any(
        _words("coo"),
        r"(?<=chief )(?:operating|operations|supply|procurement)\b",
    ),
    hr=_any(
        _words("chro|drh|hrbp"),
        r"(?<=chief )(?:people|human|hr|talent)\b",
        r"recruit|headhunt|\brecrut|\breclut|\brekrut",
    ),
)
_BY_FUNCTION = _departments(
    hr=_any(
        _words(
            r"hr|rh|rrhh|p&o|l&d|human (?:resources?|capital)|recursos humanos"
            r"|ressources humaines|people|talents?|personeel\w*|personale"
            r"|learning (?:&|and) development|organi[sz]ational development|compensation"
            r"|benefits|total rewards|employer brand\w*|training|diversity|workforce"
        ),
        r"\bpersonal(?=[a-z])(?!i[sz]|ly)",
        r"\bpersonal(?= *$| *[,&/|(-])",
    ),
    finance=_any(
        r"financ|finanz|\bfinans|ekonomi|okonomi|rechnungswesen|kaufm(?:a|ae)nnisch",
        _words(
            r"accounting|fp&a|investor relations|treasury|tresorerie|tax(?:es|ation)?|steuer\w*"
            r"|audit|billing|credit|payroll|contabilidad\w*|contabilidade|comptabilite|risk"
            r"|econom\w*|banking"
        ),
    ),
    sales=_any(
        r"vertrieb|verkauf|au(?:ss|ß)endienst|innendienst|binnendienst|\bsalg|forsalj|\bsalj"
        r"|verkoop|gesch(?:a|ae)ftsentwicklung|kundenbetreu|\baccount(?!an|ing)|\bkey account",
        _words(
            r"sales|pre-?sales|business development|biz ?dev|new business|revenue|revops"
            r"|commercia(?:l|le|ux)|comercial|commercie(?:el|le)|ventas?|vendas?|ventes?|acct"
            r"|customer success|client success|kundenerfolg|partnerships?|channel|alliances?"
            r"|desarrollo de negocios?|desenvolvimento de negocios|cuentas|contas"
        ),
    ),
    marketing=_any(
        r"marketing|mercadotecnia|mercadeo|communication|kommunikation|comunicac|werbung"
        r"|publicidad|publicite|markedsf|marknad|\bbrand|\bpresse|\bmarked",
        _words(
            r"mktg?|growth|demand gen\w*|content|comms?|pr|public relations|relations? presse"
            r"|press|seo|sem|social media|media|campaigns?|events?|creative|advertising"
            r"|lead gen\w*|community|marca"
        ),
    ),
)
_BY_DOMAIN = _departments(
    engineering=_any(
        r"engineering|ingenieria|ingenierie|engenharia|software|logiciel|entwicklung|analytics"
        r"|infosec|seguridad|seguranca|sicherheit|informati|informacion|informacao|technolog"
        r"|tecnolog|technical|technik|technisch|netzwerk|infrastru",
        _words(
            r"it|ti|edv|ict|ikt|eng\.?|swe|qa|sre|ml|ai|bi|ux|ui|sap|erp|dev|devops|r&d"
            r"|data(?:base)?s?|daten\w*|datos|dados|business intelligence|security|cyber\w*"
            r"|securite|information|syst(?:em|eme)s?|sistemas?|tech|technique|tekni\w*|cloud"
            r"|network\w*|platforms?|quality assurance|machine learning"
            r"|artificial intelligence|research (?:and|&) development|forschung\w*|web"
            r"|front-?end|back-?end|full-?stack|computer science|applications?"
        ),
    ),
    operations=_any(
        r"logisti|procurement|purchas|einkauf|inkoop|warehouse|fulfil|produktion|manufacturing"
        r"|fertigung|verwaltung|kundenservice|kundendienst|kundeservice|klantenservice",
        _words(
            r"operations?|ops|operaciones|operacoes|operativ\w*|betrieb(?!swirt)\w*|supply chain"
            r"|compras|achats?|sourcing|inkop\w*|indkob\w*|lager\w*|production|produccion"
            r"|producao|facilit(?:y|ies)|office|administration|administrati(?:v|f)\w*"
            r"|back office|customer (?:service|support|care)|service client"
            r"|atencion al cliente|support|soporte|suporte|operating|transport\w*|shipping"
            r"|distribution|fleet"
        ),
    ),
    executive=_words(
        r"strategy|strategie|estrategia|corporate development|unternehmensentwicklung"
        r"|general management|gesch(?:a|ae)ftsf(?:u|ue)hrung|gesch(?:a|ae)ftsleitung"
        r"|direction generale|management board|board|presidencia|executive office"
        r"|office of the ceo|chief of staff|executive assistant|assistante? de direction"
    ),
)
_BY_HINT = _departments(
    executive=_FIRM_PARTNER,
    engineering=_any(
        r"engineer|entwickler|techniker",
        _words(
            r"product\w*|produkt(?!ion)\w*|producto|produto|produit|digital\w*|ingenieur\w*"
            r"|ingenier[oa]|engenheir[oa]|ingenior|ingenjor|developers?|develop+eu(?:r|se)"
            r"|desarrollador\w*|desenvolvedor\w*|programmers?|programmierer\w*|programador\w*"
            r"|ontwikkelaar|udvikler|utvecklare|utvikler|architect\w*|scrum master|testers?"
            r"|technici(?:an|en|enne)s?"
        ),
    ),
    operations=_words(r"buyers?|acheteu(?:r|se)|comprador(?:a)?|inkoper|disponent\w*|dispatcher"),
    sales=r"\bpartner(?= (?:manager|management|account|sales|success|development|program"
    r"|enablement|marketing|relations|ecosystem|channel))",
)
_BY_RANK = _departments(executive=_EXECUTIVE_RANKS)
_DEPARTMENT_STEPS = (_BY_ROLE, _BY_FUNCTION, _BY_DOMAIN, _BY_HINT, _BY_RANK)

_NOTHING = JobTitle(seniority=None, department=None, seniority_by=None, department_by=None)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match to whole words ("vertrieb" in "vertriebsleiter")."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _read_seniority(text: str, folded: str) -> tuple[Seniority | None, str | None]:
    assistant_to = _ASSISTANT_TO.search(folded)
    if assistant_to is not None:
        folded = folded[: assistant_to.end()]
    for level, pattern in _LEVELS:
        for match in pattern.finditer(folded):
            start, end = _whole_words(text, *match.span())
            if _FORMER.search(folded, 0, start):
                continue
            modifier = _MODIFIERS.search(folded, 0, start)
            if modifier is not None:
                start = modifier.start()
            return level, text[start:end].strip()
    return None, None


def _read_department(text: str, folded: str) -> tuple[Department | None, str | None]:
    for step in _DEPARTMENT_STEPS:
        match = step.search(folded)
        if match is not None:
            name = next(name for name, found in match.groupdict().items() if found is not None)
            start, end = _whole_words(text, *match.span())
            return cast(Department, name), text[start:end].strip()
    return None, None


@lru_cache(maxsize=4096)
def parse_title(title: str | None) -> JobTitle:
    """Seniority and department of a job title, each with the words that decided it."""
    text = normalise_title(title)
    if not text:
        return _NOTHING
    folded = _fold(text)
    seniority, seniority_by = _read_seniority(text, folded)
    department, department_by = _read_department(text, folded)
    return JobTitle(seniority, department, seniority_by, department_by)
