"""The engines: a network, its optimizer and its batch loop on one backend.

:mod:`.protocol` is the typed boundary the estimators and the training loop
use (``Engine``, ``NetworkSpec``); :mod:`.base` the epoch, statistics and
probes both engines share; :mod:`.numpy` and :mod:`.torch` the two
backends (the only package of rumelhart that imports torch is
:mod:`.torch`, and ``import rumelhart`` does not import it). Engines import
neither scikit-learn nor the estimators.
"""
