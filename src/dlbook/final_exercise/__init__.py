"""The final exercise as the course frames it: a classifier for corrupted MNIST in three
files.

- ``data.py``: reads the course's ``data/corruptmnist`` folder (either edition) into datasets,
  with every file checked; ``rotate`` and ``augment`` turn images;
- ``model.py``: ``MyAwesomeModel``, which averages its answer over seven turns in eval mode, and
  ``load_model`` for checkpoints;
- ``main.py``: the command line, ``train --lr …`` (a new run folder each time) and ``evaluate``.

The three files import only PyTorch, torchvision, matplotlib, the standard library and
each other, so they can be copied into the course's project. ``bench.py`` is the book's:
it measures the default against the course's solution. Run the files from a folder
holding ``data/corruptmnist`` as the course does (``python main.py train --lr 1e-4``),
or in this project through the package (``python -m dlbook.final_exercise.main train
--lr 1e-4``).
"""
