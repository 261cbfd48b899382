"""The classroom: a browser app in which a class watches a collaboration become a learning
journey or a blame game (``cisim app``; see ``docs/classroom.md``).

The modules without Solara (:mod:`~cisim.app.world`, :mod:`~cisim.app.classroom`,
:mod:`~cisim.app.events`, :mod:`~cisim.app.phase`, :mod:`~cisim.app.layout`,
:mod:`~cisim.app.levers`, :mod:`~cisim.app.names`, :mod:`~cisim.app.guide`) hold what the page
shows and what its controls do; :mod:`~cisim.app.charts` draws it with Altair and
:mod:`~cisim.app.vega` in the browser; :mod:`~cisim.app.page` (with :mod:`~cisim.app.controls`,
:mod:`~cisim.app.views` and :mod:`~cisim.app.styles`) lays it out on one screen with Solara and
:mod:`~cisim.app.server` serves it. Importing this package imports none of them.
"""
