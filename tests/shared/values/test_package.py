import shared.values


def test_every_exported_name_resolves() -> None:
    for name in shared.values.__all__:
        assert getattr(shared.values, name) is not None, name


def test_exports_are_unique() -> None:
    assert len(set(shared.values.__all__)) == len(shared.values.__all__)
