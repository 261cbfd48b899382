__version__ = "0.1.0"
#: The name on the package index (``pip install cisim-collab``); "cisim" there is another
#: project's. The import name is ``cisim``.
DISTRIBUTION = "cisim-collab"
