"""A class that plays: the participatory classroom mode (``cisim class``).

What NetLogo's HubNet does, in the browser and on phones. The teacher runs ``cisim class``; the
teacher's screen shows a short join code and a QR code; each student joins from a phone or laptop
on the same network and is given an organisation of one collaboration (its sector, its authority,
a short role card). When their organisation meets a setback, each student decides whether to
learn or to blame (and whom), and how much to put in from the next month; a student who does not
answer within the time limit leaves the decision to the model. The teacher's screen shows the
network with the students' organisations marked, the month's decisions and controls for the pace;
at the end a debrief compares the class's choices with the model's agents.

* :mod:`cisim.classplay.session`: the class itself (seats, months, decisions; no web);
* :mod:`cisim.classplay.records`: what a class records (students, decisions, months);
* :mod:`cisim.classplay.roles`: the organisations from the engine's state (names, seats, role
  cards, layout, partners, a month's record);
* :mod:`cisim.classplay.views`: what the teacher's and a student's screens show;
* :mod:`cisim.classplay.debrief`: the class's choices against the model's agents;
* :mod:`cisim.classplay.server`: the web server (Starlette under uvicorn) and its safeguards;
* :mod:`cisim.classplay.command`: the ``cisim class`` subcommand.

It is built on the engine's decision hook (:mod:`cisim.model.decisions`): each month is first
previewed on a copy of the state to learn which organisations meet a setback (whether a month
ends in a setback does not depend on that month's responses), the students are asked, and the
real month is run with their decisions.
"""
