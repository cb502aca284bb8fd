"""Every dataset the book uses. One module per job:

- ``raw``: the MNIST and Fashion-MNIST IDX files, provisioned offline and verified by SHA-256;
- ``datasets``: torchvision loaders, dataset specs and normalised tensors (the dataset switch);
- ``corrupt_mnist``: generates the final exercise's corrupted MNIST in the course's layout;
- ``image_folder``: real Fashion-MNIST images written as PNG files in ImageFolder layout;
- ``standins``: labelled stand-ins for the course-only tables;
- ``provision``: ``python -m dlbook.data`` provisions all of them.

Chapters never hard-code paths or download logic; they call these modules.
"""


class DataError(RuntimeError):
    """A dataset is missing, damaged or unobtainable; the message says how to fix it."""
