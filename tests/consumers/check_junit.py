"""Reads a runner JUnit report with junitparser (what CI test tabs use) and validates it
against Jenkins' junit-10.xsd with lxml. Usage: check_junit.py REPORT XSD TESTS FAILURES ERRORS SKIPPED"""
import sys
from junitparser import JUnitXml, Failure, Error, Skipped
from lxml import etree

path, xsd, tests, failures, errors, skipped = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
schema = etree.XMLSchema(etree.parse(xsd))
doc = etree.parse(path)
if not schema.validate(doc):
    sys.exit(f"{path}: not valid against junit-10.xsd: {schema.error_log}")

xml = JUnitXml.fromfile(path)
counts = dict(tests=0, failures=0, errors=0, skipped=0)
for suite in xml:
    for case in suite:
        counts["tests"] += 1
        assert case.name and case.classname, f"testcase without name/classname in {suite.name}"
        assert case.time is not None and case.time >= 0
        for r in case.result:
            if isinstance(r, Failure):
                counts["failures"] += 1
                assert "expected" in (r.text or ""), "a failure carries expected and actual"
            elif isinstance(r, Error):
                counts["errors"] += 1
            elif isinstance(r, Skipped):
                counts["skipped"] += 1
want = dict(tests=tests, failures=failures, errors=errors, skipped=skipped)
if counts != want:
    sys.exit(f"{path}: junitparser read {counts}, expected {want}")
print(f"ok: {path}: {counts}, valid against junit-10.xsd")
