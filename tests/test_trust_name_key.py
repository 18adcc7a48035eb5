"""Name comparison for path building (RFC 5280 7.1): remembered by DER, same answers as asn1crypto."""
from asn1crypto import x509

from checker._crypto import trust


def _name(cn: str, org: str = "示例 发证机关 (DEMO)") -> x509.Name:
    return x509.Name.build({"common_name": cn, "organization_name": org, "country_name": "CN"})


def test_equal_names_by_rfc5280_rules_share_a_key_and_others_do_not():
    a, b = _name("Demo  CA"), _name("demo ca")  # case and inner spaces do not matter
    assert a.dump() != b.dump()
    assert trust._name_key(a) == trust._name_key(b) == a.hashable
    assert trust._name_key(_name("Demo CB")) != trust._name_key(a)
    assert trust._name_key(_name("Demo CA", org="其他机关")) != trust._name_key(a)


def test_the_memory_is_keyed_by_der_and_bounded(monkeypatch):
    monkeypatch.setattr(trust, "_NAME_KEYS", {})
    monkeypatch.setattr(trust, "_NAME_KEYS_MAX", 8)
    names = [_name(f"CA {i}") for i in range(20)]
    keys = [trust._name_key(n) for n in names]
    assert len(set(keys)) == 20 and len(trust._NAME_KEYS) <= 8
    assert trust._name_key(x509.Name.load(names[-1].dump())) == keys[-1]  # a parsed copy: same DER, same key
