"""The classroom: a browser app in which a class watches a collaboration become a learning
journey or a blame game (``cisim app``; see ``docs/classroom.md``).

The modules without Solara (:mod:`~cisim.app.world`, :mod:`~cisim.app.events`,
:mod:`~cisim.app.phase`, :mod:`~cisim.app.layout`, :mod:`~cisim.app.levers`,
:mod:`~cisim.app.names`, :mod:`~cisim.app.guide`) hold what the page shows; :mod:`~cisim.app.charts`
draws it with Altair, :mod:`~cisim.app.page` lays it out with Solara and :mod:`~cisim.app.server`
serves it. Importing this package imports none of them.
"""
