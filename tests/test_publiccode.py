"""publiccode.yml, checked against the core rules of the standard (publiccodeYmlVersion 0.4):
the keys it must have, the values its vocabularies allow, the lengths it sets. No validator of
the standard is packaged for Python; these are its rules as published, for the keys we use."""

from __future__ import annotations

import re
from datetime import date

import yaml
from packaging.licenses import canonicalize_license_expression

from wasstraat import ROOT

PUBLICCODE = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))

CATEGORIES = set(["accounting", "agile-project-management", "applicant-tracking", "application-development", "appointment-scheduling", "backup", "billing-and-invoicing", "blog", "budgeting", "business-intelligence", "business-process-management", "cad", "call-center-management", "cloud-management", "collaboration", "communications", "compliance-management", "contact-management", "content-management", "crm", "customer-service-and-support", "data-analytics", "data-collection", "data-visualization", "design", "design-system", "digital-asset-management", "digital-citizenship", "document-management", "donor-management", "e-commerce", "e-signature", "educational-content", "email-management", "email-marketing", "employee-management", "enterprise-project-management", "enterprise-social-networking", "erp", "event-management", "facility-management", "feedback-and-reviews-management", "financial-reporting", "fleet-management", "fundraising", "gamification", "geographic-information-systems", "grant-management", "graphic-design", "help-desk", "hr", "ide", "identity-management", "instant-messaging", "inventory-management", "it-asset-management", "it-development", "it-management", "it-security", "it-service-management", "knowledge-management", "learning-management-system", "marketing", "mind-mapping", "mobile-marketing", "mobile-payment", "network-management", "office", "online-booking", "online-community", "payment-gateway", "payroll", "predictive-analysis", "procurement", "productivity-suite", "project-collaboration", "project-management", "property-management", "real-estate-management", "remote-support", "resource-management", "sales-management", "seo", "service-desk", "social-media-management", "survey", "talent-management", "task-management", "taxes-management", "test-management", "time-management", "time-tracking", "translation", "video-conferencing", "video-editing", "visitor-management", "voip", "warehouse-management", "web-collaboration", "web-conferencing", "website-builder", "whistleblowing", "workflow-management"])
SCOPES = set(["agriculture", "culture", "defence", "education", "emergency-services", "employment", "energy", "environment", "finance-and-economic-development", "foreign-affairs", "healthcare", "infrastructures", "justice", "local-authorities", "manufacturing", "research", "science-and-technology", "security", "society", "sport", "tourism", "transportation", "welfare"])
STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                  "standalone/backend", "standalone/other", "addon", "library",
                  "configurationFiles"}
MAINTENANCE = {"internal", "contract", "community", "none"}


def test_the_mandatory_keys_are_there_with_allowed_values():
    code = PUBLICCODE
    assert code["publiccodeYmlVersion"] == "0.4"
    assert code["name"] and re.match(r"https://\S+", code["url"])
    assert set(code["platforms"]) <= {"web", "windows", "mac", "linux", "ios", "android"}
    assert code["categories"] and set(code["categories"]) <= CATEGORIES
    assert set(code["intendedAudience"]["scope"]) <= SCOPES
    assert code["intendedAudience"]["countries"] == ["nl"]
    assert code["developmentStatus"] in STATUSES
    assert code["softwareType"] in SOFTWARE_TYPES
    assert date.fromisoformat(code["releaseDate"]) <= date.today()


def test_each_language_describes_the_software_within_the_lengths_the_standard_sets():
    descriptions = PUBLICCODE["description"]
    assert set(descriptions) == set(PUBLICCODE["localisation"]["availableLanguages"]) == \
        {"nl", "en"}
    for language, text in descriptions.items():
        assert len(text["shortDescription"]) <= 150, language
        assert 150 <= len(text["longDescription"]) <= 10000, language
        assert text["features"] and all(len(f) <= 100 for f in text["features"]), language


def test_the_licence_is_a_valid_spdx_expression_and_the_one_the_package_and_licence_file_give():
    licence = PUBLICCODE["legal"]["license"]
    assert canonicalize_license_expression(licence) == licence == "EUPL-1.2"
    assert 'license = { text = "EUPL-1.2" }' in (ROOT / "pyproject.toml").read_text()
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith(
        "EUROPEAN UNION PUBLIC LICENCE v. 1.2")


def test_internal_maintenance_names_a_contact():
    maintenance = PUBLICCODE["maintenance"]
    assert maintenance["type"] in MAINTENANCE
    if maintenance["type"] in ("internal", "contract"):
        assert all(contact["name"] for contact in maintenance["contacts"])
