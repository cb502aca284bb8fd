"""Same-named stand-ins for the helpers the original courses provide, so answers paste
unchanged.

- ``interactive``: the interactive course's helpers (Part I);
- ``helper``: the intro-to-PyTorch notebooks' ``helper`` module (Part II);
- ``fc_model``: the notebooks' ``fc_model`` module, network and training loop (Part II).

"""
