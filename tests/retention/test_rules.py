"""The schedule's rules are plain data the job reads: each says what is due one way."""

from portal.retention.rules import RULES


def test_every_rule_either_deletes_what_is_due_or_names_the_accounts_due():
    for rule in RULES:
        assert (rule.apply is None) != (rule.due_accounts is None), rule.key
        assert (rule.due_accounts is None) == (rule.erased_as is None), rule.key
