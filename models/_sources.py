r"""The five op-eds the theories come from, cited as a reader can find them.

Each model quotes its op-ed in its claims and cites it by author, title, outlet and date. Where
the op-ed does not print a title or a date, the citation says what it is read from (the events
it discusses, or the page's article number), never a file of the project.
"""

from __future__ import annotations

__all__ = ["COERCING_ALLIES", "FLEETING", "KLUTH", "OMNIBALANCING", "TOUTIAO"]

#: Drezner's column on Trump's coercion of allies, tactical issue linkage and loud pressure;
#: untitled and undated in the copy the project quotes, dated by the events it discusses (the
#: steel and aluminium tariffs, the threatened 25 percent tax on European cars).
COERCING_ALLIES = (
    "Drezner, D. W., column on coercing allies and tactical issue linkage, "
    "The Washington Post (Spoiler Alerts), mid-2018"
)

#: Drezner's column applying Steven David's omnibalancing to a president under investigation;
#: dated by the Senate's sanctions provision of 12 June 2017 that it reports.
OMNIBALANCING = (
    'Drezner, D. W., "Trump, Russia and omnibalancing", The Washington Post (Spoiler Alerts), '
    "June 2017"
)

FLEETING = (
    'Babitsky, A., "Trump, Le Pen and Other Fleeting Relationships: Is the Russian Scare Real?", '
    "The Moscow Times, 30 March 2017 (first on The Russian File, the Kennan Institute's blog)"
)

#: Kluth's column on Walt's balance of threat and the middle powers' turn against the United
#: States; dated by "one year into the second term" and Mark Carney's Davos speech.
KLUTH = (
    "Kluth, A., column on Walt's balance of threat and the middle powers, "
    "Bloomberg Opinion, January 2026"
)

#: Unsigned; dated by the article number of its Toutiao page (2 August 2025).
TOUTIAO = (
    '"How Should Russia Leverage the Shift from Balance of Power to Balance of Threat", '
    "Toutiao, August 2025"
)
