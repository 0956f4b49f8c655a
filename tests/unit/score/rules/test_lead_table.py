"""A table of realistic leads, each with the temperature, status and score it gets under
the example rules (deploy/examples/score-rules.yaml).

The expected score of each row is worked out by hand from the rules file; the comment
after a row gives the sum (fit | engagement) where the row is near a threshold or the sum
is not obvious. The example rules, for reference:

    seniority  c_level 20, vp 15, head 12, manager 6, individual 2 (student: none)
    department executive/sales/marketing 5, engineering/operations/finance 3, hr 0
    size       1000+ 15, 200+ 10, 50+ 5       industry software/saas 10, fin. services 8,
    country    US CA GB IE DE AT CH DK SE NO FI 5   telecom 6, manufacturing 5, retail 3
    email      business 10, free -5 (verify's free_mail finding); none when disposable, taking
               no mail, academic or a competitor's
    intent     demo/contact sales/quote 30, pricing 20, trial 15, content/webinar/event 5,
               newsletter 1, other 2  (decays: halves every 30 days)
    bant       budget +10/-15, authority +15/-10, need +10/-10, timeline soon 15/later 5/-10
    engagement consent 3, repeat 5 each (max 15), other pages 2 each (max 10), feedback
               accepted/contacted 5, converted 30, rejected -10, junk -60, dead -30
    negative   disposable -30, role -10, gibberish -40, placeholder -40, contact in name
               -20, no mail domain -20, student (title or academic domain) -25,
               competitor -100
    hot 60, warm 30; sql: score >= 60 and (3 positive BANT answers, or a demo/sales/quote
    request with authority (a C-level or VP title implies it) and a timeline soon);
    mql: score >= 30; lead: gave an email or phone; else suspect
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from leadflow_score.rules.domain.scoring import Feedback, Submission, score
from leadflow_shared.events.v1 import BantAnswers, CtaType, LifecycleStatus, Temperature
from tests.unit.score.rules.leads import (
    RULES,
    T0,
    assert_adds_up,
    make_lead,
    reported,
    sent,
    subject,
)

B = BantAnswers
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)
SITE = "https://leadflow.example"


@dataclass(frozen=True)
class Lead:
    about: str
    expect: tuple[Temperature, LifecycleStatus, int]
    title: str | None = None
    email: str | None = None
    country: str | None = None
    cta: CtaType = "other"
    bant: BantAnswers = field(default_factory=BantAnswers)
    custom: dict[str, Any] = field(default_factory=dict)
    findings: tuple[str, ...] = ()
    phone: str | None = None
    website: str | None = None
    page: str | None = None
    consent: bool = False
    others: tuple[Submission, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    age: timedelta = MIN  # how long after the lead arrived it is scored


# fmt: off
LEADS: list[Lead | Any] = [
    # --- the "Done when" ---------------------------------------------------------
    Lead("C-level demo request with a budget, buying this quarter",
         title="CEO", email="dana@acme-robotics.com", country="US", cta="demo_request",
         bant=B(budget="$50,000", timeline="this quarter"),
         expect=("hot", "sql", 95)),  # 20+5+10+5 + 10+15 | 30
    Lead("student signs up for the newsletter",
         title="Student", email="jo.kim@mit.edu", country="US", cta="newsletter",
         expect=("cold", "lead", -19)),  # 5-25 (an academic domain: no email points) | 1
    # --- C-level ----------------------------------------------------------------------------
    Lead("CTO asks sales, buys ASAP; authority implied by the title",
         title="Chief Technology Officer", email="r.patel@northwind.io", country="GB",
         cta="contact_sales", bant=B(timeline="ASAP"),
         expect=("hot", "sql", 83)),  # 20+3+10+5 + 15 | 30
    Lead("CFO of a 1000+ financial-services firm asks pricing, budget approved",
         title="CFO", email="m.keller@helvetia-bank.ch", country="CH", cta="pricing",
         custom={"company_size": "1,000+", "industry": "Financial Services"},
         bant=B(budget="approved, 200k"),
         expect=("hot", "mql", 91)),  # 23+10+15+8+5 + 10 | 20; pricing is no sql cta
    Lead("COO from Norway asks a quote but has no budget",
         title="COO", email="ola@fjord-logistics.no", country="NO", cta="quote_request",
         bant=B(budget="no budget"),
         expect=("warm", "mql", 53)),  # 23+10+5 - 15 | 30
    Lead("founder books a demo but is 'just looking'",
         title="Founder", email="lee@tinyfounders.io", country="US", cta="demo_request",
         bant=B(need="just looking", timeline="just looking"),
         expect=("warm", "mql", 50)),  # 25+10+5 - 10-10 | 30
    Lead("CEO whose board decides: hot, but no authority for sql",
         title="CEO", email="ceo@harbor-freight.example", country="US", cta="demo_request",
         bant=B(authority="No, the board decides", timeline="asap"),
         expect=("hot", "mql", 75)),  # 40 - 10 + 15 | 30
    Lead("CEO subscribes to the newsletter: strong fit, weak intent",
         title="CEO", email="ceo@brightloop.com", country="US", cta="newsletter",
         expect=("warm", "mql", 41)),  # 40 | 1
    Lead("Geschäftsführer in Austria asks a quote, budget and a 3-month timeline",
         title="Geschäftsführer", email="f.huber@alpenwerk.at", country="AT",
         cta="quote_request", bant=B(budget="50.000 EUR", timeline="within 3 months"),
         expect=("hot", "sql", 95)),  # 25+10+5 + 10+15 | 30
    Lead("managing partner decides but buys next year",
         title="Managing Partner", email="a.shaw@shaw-legal.co.uk", country="GB",
         cta="contact_sales",
         bant=B(authority="I am the decision maker", timeline="next year"),
         expect=("hot", "mql", 90)),  # 25+10+5 + 15+5 | 30; timeline not soon
    Lead("shop owner on free mail asks a quote (5 employees, retail)",
         title="Owner", email="bakery.owner@gmail.com", country="US", cta="quote_request",
         findings=("free_mail",), custom={"company_size": "5", "industry": "Retail"},
         expect=("warm", "mql", 58)),  # 25-5+0+3+5 | 30: 2 short of hot
    Lead("CTO of a 1000+ SaaS signs up for a trial, consented, a webinar 20 days ago",
         title="CTO", email="cto@cloudnine.io", country="US", cta="trial_signup",
         custom={"company_size": "1000+", "industry": "SaaS"}, consent=True,
         others=(sent("webinar", 20 * D),),
         expect=("hot", "mql", 84)),  # 23+10+15+10+5 | 15+3+3 (5 halved for 20 days)
    # --- VPs --------------------------------------------------------------------------------
    Lead("VP Sales asks a quote with budget and timeline, but someone else decides",
         title="VP Sales", email="k.obrien@maple-hr.ca", country="CA", cta="quote_request",
         bant=B(budget="100k", authority="not the decision maker", timeline="this month"),
         expect=("hot", "mql", 80)),  # 35 + 10-10+15 | 30
    Lead("VP Marketing asks pricing with budget, need and timeline",
         title="VP of Marketing", email="s.wagner@kraftwerk-media.de", country="DE",
         cta="pricing",
         bant=B(budget="€20k", need="replace our spreadsheets", timeline="within 2 weeks"),
         expect=("hot", "sql", 90)),  # 35 + 35 | 20; 4 positive with implied authority
    Lead("VP Engineering of a 10k-employee telecom asks pricing",
         title="Vice President, Engineering", email="v.virtanen@nordtel.fi", country="FI",
         cta="pricing", custom={"company_size": "10k", "industry": "Telecommunications"},
         expect=("hot", "mql", 74)),  # 15+3+10+15+6+5 | 20
    Lead("VP People books a demo, budget yes, 1-3 months",
         title="VP People", email="p.nguyen@peoplefirst.com", country="US",
         cta="demo_request", bant=B(budget="yes", timeline="1-3 months"),
         expect=("hot", "sql", 85)),  # 15+0+10+5 + 25 | 30
    Lead("VP Sales from Brazil asks pricing",
         title="VP Sales", email="r.souza@vendamais.com.br", country="BR", cta="pricing",
         expect=("warm", "mql", 50)),  # 15+5+10+0 | 20
    Lead("VP Operations registers for an event",
         title="VP Operations", email="j.schmidt@logiwerk.de", country="DE", cta="event",
         expect=("warm", "mql", 38)),  # 18+10+5 | 5
    Lead("VP Marketing downloads content with budget and need: exactly hot, 3 positive",
         title="VP of Marketing", email="h.jones@glowco.co.uk", country="GB",
         cta="content_download", bant=B(budget="yes", need="yes"),
         expect=("hot", "sql", 60)),  # 35 + 20 | 5 = 60
    Lead("VP Finance asks pricing; the rep contacted, then it converted",
         title="VP Finance", email="l.chen@ledgerly.com", country="US", cta="pricing",
         feedback=(reported("contacted", H), reported("converted", H)), age=2 * H,
         expect=("hot", "mql", 88)),  # 33 | 20+5+30
    # --- directors and heads ---------------------------------------------------------------
    Lead("director of sales books a demo, buys next year",
         title="Director of Sales", email="t.moore@salesforge.com", country="US",
         cta="demo_request", bant=B(timeline="next year"),
         expect=("hot", "mql", 67)),  # 17+10+5 + 5 | 30; head implies no authority
    Lead("marketing director on free mail from France registers for a webinar",
         title="Marketing Director", email="claire.dubois@gmail.com", country="FR",
         cta="webinar", findings=("free_mail",),
         expect=("cold", "lead", 17)),  # 17-5+0 | 5
    Lead("head of IT at a 250-person software firm starts a trial",
         title="Head of IT", email="e.lind@kodbolaget.se", country="SE", cta="trial_signup",
         custom={"company_size": "250", "industry": "Software"},
         expect=("hot", "mql", 65)),  # 15+10+10+10+5 | 15
    Lead("HR director downloads content",
         title="HR Director", email="n.byrne@greenisle.ie", country="IE",
         cta="content_download",
         expect=("warm", "mql", 32)),  # 12+0+10+5 | 5
    Lead("director of operations asks a quote, 3-6 months",
         title="Director of Operations", email="m.gruber@donau-log.at", country="AT",
         cta="quote_request", bant=B(timeline="3-6 months"),
         expect=("hot", "mql", 65)),  # 15+10+5 + 5 | 30
    Lead("finance director who signs off asks sales, this quarter",
         title="Finance Director", email="k.larsen@nordfin.dk", country="DK",
         cta="contact_sales", bant=B(authority="yes, I sign off", timeline="this quarter"),
         expect=("hot", "sql", 90)),  # 15+10+5 + 15+15 | 30
    Lead("head of procurement who decides books a demo, now",
         title="Head of Procurement", email="g.ross@buildright.com", country="US",
         cta="demo_request", bant=B(authority="yes", timeline="now"),
         expect=("hot", "sql", 90)),  # 15+10+5 + 15+15 | 30
    Lead("head of growth asks pricing with a zero budget",
         title="Head of Growth", email="i.silva@growthly.com", country="US", cta="pricing",
         bant=B(budget="0"),
         expect=("warm", "mql", 37)),  # 17+10+5 - 15 | 20
    Lead("directeur commercial from France books a demo",
         title="Directeur commercial", email="p.martin@ventes-sa.fr", country="FR",
         cta="demo_request",
         expect=("warm", "mql", 57)),  # 17+10+0 | 30: 3 short of hot
    Lead("jefe de ventas from Spain books a demo, asap; no authority for sql",
         title="Jefe de ventas", email="c.garcia@ventasplus.es", country="ES",
         cta="demo_request", bant=B(timeline="asap"),
         expect=("hot", "mql", 72)),  # 17+10+0 + 15 | 30
    Lead("marketing director asks pricing, next quarter; a rep accepted it",
         title="Marketing Director", email="d.lopez@brandwave.com", country="US",
         cta="pricing", bant=B(timeline="next quarter"),
         feedback=(reported("accepted", H),), age=2 * H,
         expect=("hot", "mql", 62)),  # 32 + 5 | 20+5: accepted tips it over 60
    Lead("director of engineering books a demo; another of their leads went dead",
         title="Director of Engineering", email="o.tremblay@pixelforge.ca", country="CA",
         cta="demo_request",
         feedback=(reported("dead", H, on_this_lead=False),), age=2 * H,
         expect=("warm", "mql", 30)),  # 30 | 30-30
    # --- managers and individual contributors -----------------------------------------------
    Lead("engineering manager subscribes to the newsletter",
         title="Engineering Manager", email="b.ito@devworks.com", country="US",
         cta="newsletter",
         expect=("cold", "lead", 25)),  # 6+3+10+5 | 1
    Lead("software engineer on free mail from India starts a trial",
         title="Software Engineer", email="arjun.dev@gmail.com", country="IN",
         cta="trial_signup", findings=("free_mail",),
         expect=("cold", "lead", 15)),  # 2+3-5 | 15
    Lead("account executive at a 50-200 retailer asks pricing",
         title="Account Executive", email="m.hall@shopcity.com", country="US", cta="pricing",
         custom={"company_size": "50-200", "industry": "retail"},
         expect=("warm", "mql", 50)),  # 2+5+10+5+3+5 | 20
    Lead("three positive BANT answers on free mail, but not hot: mql",
         title="Software Engineer", email="priya.codes@gmail.com", country="IN",
         cta="newsletter", findings=("free_mail",),
         bant=B(budget="$5k", need="we need a CRM", timeline="next month"),
         expect=("warm", "mql", 36)),  # 0 + 35 | 1
    Lead("sales manager: no answers count when they are 'not sure', 'tbd', '?'",
         title="Sales Manager", email="f.berg@hanse-sales.de", country="DE",
         cta="demo_request", bant=B(budget="not sure", authority="tbd", need="?"),
         expect=("warm", "mql", 56)),  # 6+5+10+5 | 30
    Lead("marketing manager says no to everything",
         title="Marketing Manager", email="a.rossi@brandhaus.com", country="US", cta="pricing",
         bant=B(budget="none", authority="no", need="no need", timeline="never"),
         expect=("cold", "lead", 1)),  # 26 - 45 | 20
    Lead("sales manager asks pricing; the rep rejected it",
         title="Sales Manager", email="y.tanaka@salesone.com", country="US", cta="pricing",
         feedback=(reported("rejected", H),), age=2 * H,
         expect=("warm", "mql", 36)),  # 26 | 20-10
    Lead("sales rep sends a general form",
         title="Sales Rep", email="c.evans@fieldteam.com", country="US", cta="other",
         expect=("cold", "lead", 24)),  # 2+5+10+5 | 2
    Lead("assistant to the CEO books a demo for the boss: no implied authority",
         title="Assistant to the CEO", email="e.white@corpex.com", country="US",
         cta="demo_request", bant=B(timeline="this quarter"),
         expect=("hot", "mql", 67)),  # 2+5+10+5 + 15 | 30
    Lead("ex-CEO on free mail books a demo, this week",
         title="Ex-CEO", email="old.boss@gmail.com", country="US", cta="demo_request",
         findings=("free_mail",), bant=B(timeline="this week"),
         expect=("warm", "mql", 50)),  # 0+5-5+5 + 15 | 30; no seniority, no authority
    Lead("no title, free mail, decides and buys soon, demo: under 60",
         email="quick.buyer@gmail.com", country="IN", cta="demo_request",
         findings=("free_mail",), bant=B(authority="yes", timeline="this month"),
         expect=("warm", "mql", 55)),  # -5 + 30 | 30: the sql facts, 5 short of hot
    # --- thresholds -------------------------------------------------------------------------
    Lead("exactly 60 is hot (HR director, need, pricing, consent)",
         title="HR Director", email="r.adams@talentco.com", country="US", cta="pricing",
         bant=B(need="lead routing for 40 reps"), consent=True,
         expect=("hot", "mql", 60)),  # 12+0+10+5 + 10 | 20+3 = 60
    Lead("exactly 30 is warm (account executive, content, consent)",
         title="Account Executive", email="l.baker@saleshub.com", country="US",
         cta="content_download", consent=True,
         expect=("warm", "mql", 30)),  # 2+5+10+5 | 5+3 = 30
    Lead("29 is cold (engineer, next year, newsletter, consent)",
         title="Software Engineer", email="k.vogel@codeschmiede.de", country="DE",
         cta="newsletter", bant=B(timeline="next year"), consent=True,
         expect=("cold", "lead", 29)),  # 2+3+10+5 + 5 | 1+3 = 29
    # --- company size and industry ----------------------------------------------------------
    Lead("engineer at a 12-person SaaS (the 0+ band gives nothing) starts a trial",
         title="Software Engineer", email="d.reyes@tinysaas.io", country="US",
         cta="trial_signup", custom={"company_size": 12, "industry": "SaaS"},
         expect=("warm", "mql", 45)),  # 2+3+10+0+10+5 | 15
    Lead("industry spelled loosely still matches ('  Financial   services ')",
         title="Sales Manager", email="w.clark@fincorp.com", country="US", cta="pricing",
         custom={"industry": "  Financial   services "},
         expect=("warm", "mql", 54)),  # 26+8 | 20
    Lead("an industry the rules do not list gives nothing; 500 employees do",
         title="Marketing Manager", email="h.young@healthplus.com", country="US",
         cta="pricing", custom={"company_size": "500", "industry": "Healthcare"},
         expect=("warm", "mql", 56)),  # 26+10 | 20
    Lead("engineer at a '<50' company downloads content",
         title="Software Engineer", email="t.fox@smallshop.com", country="US",
         cta="content_download", custom={"company_size": "<50"},
         expect=("cold", "lead", 25)),  # 2+3+10+5 + 0 | 5 (fewer than 50: no points)
    # --- verify's findings ------------------------------------------------------------------
    Lead("CEO on a disposable domain books a demo with budget, asap",
         title="CEO", email="ceo@mailinator.com", country="US", cta="demo_request",
         findings=("disposable_domain",), bant=B(budget="$10k", timeline="asap"),
         expect=("warm", "mql", 55)),  # 25+5-30 (no email points) + 25 | 30: 5 short
    Lead("role address info@ asks sales",
         email="info@kraftanlagen.de", country="DE", cta="contact_sales",
         findings=("role_account",),
         expect=("warm", "mql", 35)),  # 10+5-10 | 30
    Lead("gibberish name asks pricing",
         email="qwe@asdfgh-industries.com", country="US", cta="pricing",
         findings=("gibberish_name",),
         expect=("cold", "lead", -5)),  # 10+5-40 | 20
    Lead("'Test Test' books a demo",
         email="test@acme-test.com", cta="demo_request", findings=("placeholder_name",),
         expect=("cold", "lead", 0)),  # 10-40 | 30
    Lead("a bot: keyboard mashing on a throwaway domain",
         title="asdf", email="xkcd@10minutemail.com", cta="demo_request",
         findings=("disposable_domain", "gibberish_name"),
         expect=("cold", "lead", -40)),  # -30-40 | 30
    Lead("marketing manager whose domain takes no mail, email typed into the name",
         title="Marketing Manager", email="a.b@deadmx-corp.com", country="US", cta="pricing",
         findings=("no_mail_domain", "contact_in_name"),
         expect=("cold", "lead", -4)),  # 6+5+5-20-20 (no email points) | 20
    # --- competitors ------------------------------------------------------------------------
    Lead("competitor's marketer downloads content",
         title="Product Marketing Manager", email="spy@competitor.example", country="US",
         cta="content_download",
         expect=("cold", "lead", -79)),  # 6+5+5-100 (no email points) | 5
    Lead("competitor's VP (subdomain) books a demo with budget, now",
         title="VP Sales", email="vp@eu.rival.example", country="US", cta="demo_request",
         bant=B(budget="$50,000", timeline="now"),
         expect=("cold", "lead", -20)),  # 15+5+5+25-100 (no email points) | 30
    Lead("competitor by the website field, on free mail",
         title="Sales Manager", email="curious.sm@gmail.com", country="US", cta="pricing",
         findings=("free_mail",), website="https://www.competitor.example/team",
         expect=("cold", "lead", -69)),  # 6+5-5+5-100 | 20
    Lead("a look-alike domain (notcompetitor.example) is not a competitor",
         title="Sales Manager", email="j.doe@notcompetitor.example", country="US",
         cta="pricing",
         expect=("warm", "mql", 46)),  # 26 | 20
    # --- students and academic domains ------------------------------------------------------
    Lead("research fellow at Oxford registers for a webinar",
         title="Research Fellow", email="a.turing@cs.ox.ac.uk", country="GB", cta="webinar",
         expect=("cold", "lead", -13)),  # 2+5-25 (no email points) | 5
    Lead("professor at a .edu asks a quote with budget and timeline",
         title="Professor", email="prof.lee@stanford.edu", country="US", cta="quote_request",
         bant=B(budget="$10k", timeline="this quarter"),
         expect=("warm", "mql", 37)),  # 2+5-25 (no email points) + 25 | 30
    Lead("marketing intern on a business domain downloads content",
         title="Marketing Intern", email="intern@brandhaus.co.uk", country="GB",
         cta="content_download",
         expect=("cold", "lead", 0)),  # 5+10+5-25 | 5
    Lead("student on free mail downloads content",
         title="Student", email="uni.student99@gmail.com", country="US",
         cta="content_download", findings=("free_mail",),
         expect=("cold", "lead", -20)),  # -5+5-25 | 5
    Lead("PhD candidate on an academic domain is penalised once",
         title="PhD candidate", email="m.curie@chem.ox.ac.uk", country="GB", cta="webinar",
         expect=("cold", "lead", -15)),  # 5-25 (no email points) | 5
    # --- contact ----------------------------------------------------------------------------
    Lead("free mail, no title, newsletter",
         email="sunny.day@gmail.com", country="US", cta="newsletter", findings=("free_mail",),
         expect=("cold", "lead", 1)),  # -5+5 | 1
    Lead("phone only: sales manager registers for an event",
         title="Sales Manager", phone="+4930123456", country="DE", cta="event",
         expect=("cold", "lead", 21)),  # 6+5+5 | 5
    Lead("phone only, decides and buys this week: sql without an email",
         phone="+46701234567", country="SE", cta="contact_sales",
         bant=B(authority="yes", timeline="this week"),
         expect=("hot", "sql", 65)),  # 5 + 30 | 30
    Lead("no email, no phone: a suspect",
         country="US", cta="other",
         expect=("cold", "suspect", 7)),  # 5 | 2
    # --- repeat submissions and pages -------------------------------------------------------
    Lead("manager came back three times this week, now books a demo",
         title="Marketing Manager", email="g.hill@adsmiths.com", country="US",
         cta="demo_request",
         others=(sent("webinar", 72 * H), sent("pricing", 48 * H), sent("content_download", H)),
         expect=("hot", "mql", 71)),  # 26 | 30+15
    Lead("five repeats count at most 15",
         title="Software Engineer", email="n.kaur@buildbots.com", country="US",
         cta="newsletter",
         others=tuple(sent("webinar", n * 12 * H) for n in range(1, 6)),
         expect=("warm", "mql", 36)),  # 20 | 1+15 (25 capped)
    Lead("forms from four different pages",
         title="Marketing Manager", email="o.price@brightads.co.uk", country="GB",
         cta="content_download", page=f"{SITE}/whitepaper",
         others=(sent("pricing", 3 * H, f"{SITE}/pricing"),
                 sent("webinar", 6 * H, f"{SITE}/webinars/scoring"),
                 sent("content_download", 9 * H, f"{SITE}/blog/routing")),
         expect=("warm", "mql", 52)),  # 26 | 5+15+6
    Lead("seven pages count at most 10, repeats at most 15",
         email="keen.reader@gmail.com", country="US", cta="webinar", findings=("free_mail",),
         page=f"{SITE}/webinars",
         others=tuple(sent("content_download", n * 6 * H, f"{SITE}/blog/{n}")
                      for n in range(1, 7)),
         expect=("warm", "mql", 30)),  # -5+5 | 5+15+10 = 30
    Lead("the same page with a query, slash or fragment counts once",
         title="IT Manager", email="s.ward@netops.com", country="US", cta="pricing",
         page=f"{SITE}/pricing",
         others=(sent("pricing", 2 * H, f"{SITE}/pricing?utm_source=ads"),
                 sent("pricing", 4 * H, f"{SITE}/pricing/#plans")),
         expect=("warm", "mql", 54)),  # 6+3+10+5 | 20+10
    Lead("three forms three months ago count a point each",
         title="Sales Manager", email="b.knight@closers.com", country="US", cta="pricing",
         others=(sent("webinar", 90 * D), sent("content_download", 90 * D),
                 sent("event", 90 * D)),
         expect=("warm", "mql", 49)),  # 26 | 20+3 (5 halved three times: 0.625 → 1 each)
    # --- feedback ---------------------------------------------------------------------------
    Lead("hot CEO demo request reported junk",
         title="CEO", email="ceo@bigdeal-inc.com", country="US", cta="demo_request",
         bant=B(budget="$50,000", timeline="this quarter"),
         feedback=(reported("junk", H),), age=2 * H,
         expect=("warm", "mql", 35)),  # 65 | 30-60
    Lead("another of their leads converted 30 days ago",
         title="Account Executive", email="v.hughes@quotaco.com", country="US",
         cta="newsletter", feedback=(reported("converted", -30 * D, on_this_lead=False),),
         expect=("warm", "mql", 38)),  # 22 | 1+15 (30 halved once)
    # --- decay ------------------------------------------------------------------------------
    Lead("VP demo request, just in",
         title="VP Sales", email="r.king@dealflow.com", country="US", cta="demo_request",
         expect=("hot", "mql", 65)),  # 35 | 30
    Lead("VP demo request, 30 days on: the demo counts half",
         title="VP Sales", email="r.king@dealflow.com", country="US", cta="demo_request",
         age=30 * D,
         expect=("warm", "mql", 50)),  # 35 | 15
    Lead("VP demo request, 180 days on: the demo no longer counts",
         title="VP Sales", email="r.king@dealflow.com", country="US", cta="demo_request",
         age=180 * D,
         expect=("warm", "mql", 35)),  # 35 | 0 (30/64 rounds to 0)
    Lead("VP demo with budget and timeline, two weeks on: still sql",
         title="VP Sales", email="a.cole@revup.com", country="US", cta="demo_request",
         bant=B(budget="$50,000", timeline="this quarter"), age=14 * D,
         expect=("hot", "sql", 82)),  # 60 | 22 (30 * 0.5^(14/30) = 21.7)
    Lead("director demo request four months on: hot no more",
         title="Director of Sales", email="m.price@pipeline.io", country="US",
         cta="demo_request", age=120 * D,
         expect=("warm", "mql", 34)),  # 32 | 2 (30/16 = 1.9)
    Lead("manager's trial two months on: still warm",
         title="Sales Manager", email="d.gray@funnelworks.com", country="US",
         cta="trial_signup", age=60 * D,
         expect=("warm", "mql", 30)),  # 26 | 4 (15/4 = 3.75) = 30
    Lead("manager's trial three months on: cold",
         title="Sales Manager", email="d.gray@funnelworks.com", country="US",
         cta="trial_signup", age=90 * D,
         expect=("cold", "lead", 28)),  # 26 | 2 (15/8 = 1.9) = 28
    Lead("junk does not fade: a year on, only fit and the junk remain",
         title="CEO", email="ceo@bigdeal-inc.com", country="US", cta="demo_request",
         bant=B(budget="$50,000", timeline="this quarter"),
         feedback=(reported("junk", H),), age=365 * D,
         expect=("cold", "lead", 5)),  # 65 | 0-60
    Lead("HR director's consented webinar sign-up, a year on",
         title="HR Director", email="c.wood@peopleops.com", country="US", cta="webinar",
         consent=True, age=365 * D,
         expect=("cold", "lead", 27)),  # 27 | 0 (webinar and consent both faded)
]
# fmt: on


def _param(row: Lead | Any) -> Any:
    return row if not isinstance(row, Lead) else pytest.param(row, id=row.about)


def test_the_table_is_large() -> None:
    assert len(LEADS) >= 60
    abouts = [row.values[0].about if not isinstance(row, Lead) else row.about for row in LEADS]
    assert len(set(abouts)) == len(abouts)


@pytest.mark.parametrize("row", [_param(row) for row in LEADS])
def test_lead(row: Lead) -> None:
    lead = make_lead(
        title=row.title,
        email=row.email,
        phone=row.phone,
        country=row.country,
        website=row.website,
        cta=row.cta,
        page=row.page,
        bant=row.bant,
        custom=row.custom,
        findings=row.findings,
        consent=row.consent,
    )
    given = score(subject(lead, row.others, row.feedback), RULES, T0 + row.age)
    assert_adds_up(given)
    explained = "\n".join(f"{c.points:+d} {c.rule}: {c.reason}" for c in given.explanation)
    assert (given.temperature, given.status, given.score) == row.expect, (
        f"{given.status_reason}\n{explained}"
    )
    assert given.status_reason.startswith(f"{given.status}: ")
    assert given.rules_version == RULES.version
