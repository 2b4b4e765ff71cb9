"""The Malaysian validators: real-world shapes, right and wrong."""
