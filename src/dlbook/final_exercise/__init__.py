"""The final exercise as the course frames it: a classifier for corrupted MNIST in three files.

- ``data.py``: loads the corrupted-MNIST files (``train_images_{0..5}.pt`` … ``test_target.pt``),
  turns the training files into one orientation and augments training batches;
- ``model.py``: the network, and how it finds a test file's turn and classifies the file;
- ``main.py``: the command line, ``train --lr …`` and ``evaluate CHECKPOINT``;
- ``bench.py``: the recipe measured against the course's reference design.

Run it from this folder as the course does (``python main.py train --lr 1e-4``) or from anywhere
through the package (``python -m dlbook.final_exercise.main train --lr 1e-4``).
"""
