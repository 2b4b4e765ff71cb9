"""Seller verification: each requirement's state and the account's status (issue 23).

``states`` names them; ``facts`` and ``sources`` gather what the rooms say of a seller;
``rules`` judges it (pure); ``tracking`` stores the states and deadlines and sends the
emails; ``services`` is what the rest of the portal calls; ``wording`` says it in words.
"""
