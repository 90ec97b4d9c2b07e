"""The audit pipeline on top of everything else: run (collect, analyse, evaluate), publish (render, sign) into an
output folder. The result types it produces live in :mod:`ailm.result`, which config and report import."""
