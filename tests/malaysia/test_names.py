"""Malaysian names compared as the same name written two ways, or not."""

from __future__ import annotations

import pytest

from portal.malaysia.names import normalise, same_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ahmad Ali", "AHMAD  ALI"),
        ("Ahmad Ali", " ahmad ali "),
        # bin in every spelling
        ("Ahmad bin Ali", "AHMAD BIN ALI"),
        ("Ahmad bin Ali", "Ahmad b. Ali"),
        ("Ahmad bin Ali", "Ahmad B Ali"),
        ("Ahmad bin Ali", "Ahmad b.Ali"),
        ("Ahmad bin Ali", "Ahmad ibni Ali"),
        ("Ahmad bin Ali", "Ahmad ibn Ali"),
        # binti in every spelling
        ("Siti Aminah binti Abu Bakar", "SITI AMINAH BT ABU BAKAR"),
        ("Siti Aminah binti Abu Bakar", "Siti Aminah bt. Abu Bakar"),
        ("Siti Aminah binti Abu Bakar", "Siti Aminah bte Abu Bakar"),
        ("Siti Aminah binti Abu Bakar", "Siti Aminah binte Abu Bakar"),
        # a/l: son of
        ("Muthu a/l Rajan", "MUTHU A/L RAJAN"),
        ("Muthu a/l Rajan", "Muthu A / L Rajan"),
        ("Muthu a/l Rajan", "Muthu AL Rajan"),
        ("Muthu a/l Rajan", "Muthu anak lelaki Rajan"),
        ("Muthu a/l Rajan", "Muthu s/o Rajan"),
        ("Muthu a/l Rajan", "Muthu S/O Rajan"),
        # a/p: daughter of
        ("Kavitha a/p Rajan", "KAVITHA A/P RAJAN"),
        ("Kavitha a/p Rajan", "Kavitha AP Rajan"),
        ("Kavitha a/p Rajan", "Kavitha anak perempuan Rajan"),
        ("Kavitha a/p Rajan", "Kavitha d/o Rajan"),
        # Sarawak: anak / ak.
        ("Jimmy anak Jali", "Jimmy ak. Jali"),
        # punctuation
        ("Nur'ain binti Yusof", "Nurain binti Yusof"),
        ("Nur’ain binti Yusof", "Nur'ain binti Yusof"),  # a typographic apostrophe
        ("Nur-Aisyah binti Yusof", "Nur Aisyah binti Yusof"),
        ("Tan, Ah Kow", "Tan Ah Kow"),
        # leading titles
        ("Dato' Ahmad bin Ali", "Ahmad bin Ali"),
        ("Dato' Sri Ahmad bin Ali", "Ahmad bin Ali"),
        ("Tan Sri Dato' Haji Ahmad bin Ali", "Ahmad bin Ali"),
        ("Hj. Ahmad b. Ali", "Ahmad bin Ali"),
        ("Puan Sri Siti Aminah bt Abu", "Siti Aminah binti Abu"),
        ("Encik Lim Ah Kow", "Lim Ah Kow"),
        ("Dr. Kavitha a/p Rajan", "Kavitha d/o Rajan"),
        ("Tan Sri Tan Ah Kow", "Tan Ah Kow"),
        # a registered business's name
        ("Kedai Runcit Ahmad Sdn. Bhd.", "KEDAI RUNCIT AHMAD SENDIRIAN BERHAD"),
        ("Syarikat Maju Berhad", "Syarikat Maju Bhd"),
        ("Lim & Tan Trading", "Lim and Tan Trading"),
        ("Lim&Tan Trading", "Lim & Tan Trading"),
        ("Reka Hijau PLT", "Reka Hijau Perkongsian Liabiliti Terhad"),
        # Unicode look-alikes
        ("ＡＨＭＡＤ ＡＬＩ", "Ahmad Ali"),
    ],
)
def test_the_same_name_written_two_ways(a, b):
    assert same_name(a, b)
    assert same_name(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ahmad Ali", "Ali Ahmad"),  # the order of the words matters
        ("Ahmad bin Ali", "Ahmad binti Ali"),  # different words, whatever they imply
        ("Muthu a/l Rajan", "Muthu a/p Rajan"),
        ("Ahmad bin Ali", "Ahmad Ali"),  # a connector is a word of the name
        ("Nur Ain", "Nurain"),  # a word split differently
        ("Ahmad bin Ali", "Ahmad bin Ali Hassan"),
        ("Tan Ah Kow", "Ah Kow"),  # Tan is a surname here, not a title
        ("Sri Devi a/p Muthu", "Devi a/p Muthu"),  # Sri is a given name
        ("Syed Ahmad bin Syed Ali", "Ahmad bin Syed Ali"),  # Syed is part of the name
        ("Wan Aminah binti Wan Ali", "Aminah binti Wan Ali"),
        ("Kedai Runcit Ahmad Sdn Bhd", "Kedai Runcit Ahmad Bhd"),
        ("Kedai Runcit Ahmad", "Kedai Runcit Ahmad Enterprise"),
        ("Ahmad", ""),
        ("", ""),  # nothing is nobody's name
    ],
)
def test_different_names(a, b):
    assert not same_name(a, b)
    assert not same_name(b, a)


def test_the_canonical_form_is_readable():
    assert normalise("Tan Sri Dato' Haji Ahmad b. Ali") == "ahmad bin ali"
    assert normalise("MUTHU S/O RAJAN") == "muthu a/l rajan"
    assert normalise("Kavitha d/o Rajan") == "kavitha a/p rajan"
    assert normalise("Siti bt. Abu") == "siti binti abu"
    assert normalise("B. Ahmad") == "b ahmad"  # a leading B. is an initial, not bin
    assert normalise("Dato'") == "dato"  # a title alone is left as the name
