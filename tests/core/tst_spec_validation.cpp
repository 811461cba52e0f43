// An external connector's configuration against its own spec: each keyword of the draft-07 subset, the
// messages a user reads, defaults, and which values are secrets (following the chosen oneOf branch).
#include "connectors/spec_validation.h"

#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::core;
using nlohmann::json;

namespace {

// Shaped like the specs of Airbyte's own connectors (source-github, source-hubspot): an auth oneOf with a
// const discriminator, dates by pattern, bounded page sizes.
const json kSpec = json::parse(R"({
  "type": "object",
  "required": ["start_date", "credentials"],
  "additionalProperties": true,
  "properties": {
    "start_date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "region": {"type": "string", "enum": ["eu", "us"], "default": "eu"},
    "name": {"type": ["null", "string"], "minLength": 2, "maxLength": 5},
    "repos": {"type": "array", "minItems": 1, "items": {"type": "string"}},
    "passphrase": {"type": "string", "airbyte_secret": true},
    "credentials": {
      "type": "object",
      "oneOf": [
        {"title": "Token", "required": ["auth_type", "token"],
         "properties": {"auth_type": {"type": "string", "const": "token"},
                        "token": {"type": "string", "airbyte_secret": true}}},
        {"title": "OAuth", "required": ["auth_type", "client_id", "client_secret"],
         "properties": {"auth_type": {"type": "string", "const": "oauth"},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string", "airbyte_secret": true},
                        "scope": {"type": "string", "default": "read"}}}
      ]
    },
    "strict": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "boolean"}}}
  }
})");

json valid() {
    return json::parse(
        R"({"start_date": "2024-01-01", "credentials": {"auth_type": "token", "token": "t"}})");
}

} // namespace

class TestSpecValidation : public QObject {
    Q_OBJECT

private slots:
    void refusals_data() {
        QTest::addColumn<QString>("patch"); // merged into a valid configuration (JSON merge patch)
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const char* patch, const char* message) {
            QTest::newRow(name) << patch << message;
        };
        row("required", R"({"start_date": null})", "missing required key `c.start_date`");
        row("type", R"({"page_size": "ten"})", "`c.page_size` must be an integer, found a string");
        row("integer, not fraction", R"({"page_size": 1.5})",
            "`c.page_size` must be an integer, found a number");
        row("type list", R"({"name": 3})", "`c.name` must be a string, found an integer");
        row("enum", R"({"region": "asia"})", "`c.region` is \"asia\", expected one of \"eu\", \"us\"");
        row("minimum", R"({"page_size": 0})", "`c.page_size` must be at least 1, found 0");
        row("maximum", R"({"page_size": 5000})", "`c.page_size` must be at most 1000, found 5000");
        row("exclusive minimum", R"({"ratio": 0})", "`c.ratio` must be more than 0, found 0");
        row("exclusive maximum", R"({"ratio": 1})", "`c.ratio` must be less than 1, found 1");
        row("pattern", R"({"start_date": "01/02/2024"})",
            "`c.start_date` must match the pattern ^[0-9]{4}-[0-9]{2}-[0-9]{2}$, found \"01/02/2024\"");
        row("minLength", R"({"name": "a"})", "`c.name` must be at least 2 characters long");
        row("maxLength", R"({"name": "abcdef"})", "`c.name` must be at most 5 characters long");
        row("minItems", R"({"repos": []})", "`c.repos` must have at least 1 items");
        row("items", R"({"repos": ["a", 2]})", "`c.repos[1]` must be a string, found an integer");
        row("additionalProperties false", R"({"strict": {"b": 1}})",
            "unknown key `c.strict.b` (expected one of: a)");
        row("oneOf: the named choice explains", R"({"credentials": {"auth_type": "oauth", "token": null}})",
            "missing required key `c.credentials.client_id` (for the choice OAuth)");
        row("oneOf: no choice named", R"({"credentials": {"auth_type": "basic", "token": null}})",
            "`c.credentials` matches none of the choices: Token (auth_type = \"token\"), OAuth (auth_type = "
            "\"oauth\")");
        row("oneOf: wrong type inside", R"({"credentials": {"token": 5}})",
            "`c.credentials.token` must be a string, found an integer (for the choice Token)");
    }

    void refusals() {
        QFETCH(QString, patch);
        QFETCH(QString, message);
        json config = valid();
        config.merge_patch(json::parse(patch.toStdString()));
        const json before = config;
        Status s = validateAgainstSpec(kSpec, config, "c");
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Config);
        QCOMPARE(QString::fromStdString(s.error().message),
                 "the connector's configuration does not fit its spec: " + message);
        QCOMPARE(config, before); // a refused configuration is left as it was
    }

    void defaultsAreFilledAlsoInTheChosenBranch() {
        json config = valid();
        config["credentials"] = {{"auth_type", "oauth"}, {"client_id", "id"}, {"client_secret", "s"}};
        QVERIFY(validateAgainstSpec(kSpec, config, "c").ok());
        QCOMPARE(config["page_size"], json(100));
        QCOMPARE(config["region"], json("eu"));
        QCOMPARE(config["credentials"]["scope"], json("read"));
        QVERIFY(!config.contains("ratio")); // no default, not required: stays absent
    }

    void givenValuesAreKept() {
        json config = valid();
        config["page_size"] = 7;
        config["unknown_but_allowed"] = true;
        QVERIFY(validateAgainstSpec(kSpec, config, "c").ok());
        QCOMPARE(config["page_size"], json(7));
        QCOMPARE(config["unknown_but_allowed"], json(true));
    }

    void anyOfAndAllOf() {
        const json spec = json::parse(R"({"type": "object", "properties": {"v": {
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^x"}],
            "allOf": [{"not_a_keyword": 1}]}}})");
        json ok = {{"v", "xyz"}};
        QVERIFY(validateAgainstSpec(spec, ok, "c").ok());
        json bad = {{"v", "abc"}};
        Status s = validateAgainstSpec(spec, bad, "c");
        QVERIFY(!s.ok());
        QCOMPARE(s.error().message,
                 std::string("the connector's configuration does not fit its spec: `c.v` must be an integer, "
                             "found a string"));
    }

    void patternStdRegexCannotCompileIsLeftToTheConnector() {
        const json spec = json::parse(R"({"properties": {"v": {"type": "string", "pattern": "(?<=a)b"}}})");
        json config = {{"v", "anything"}};
        QVERIFY(validateAgainstSpec(spec, config, "c").ok());
    }

    void secretsFollowTheChosenBranch() {
        json token = valid();
        token["passphrase"] = "p";
        QCOMPARE(specSecretPointers(kSpec, token),
                 (std::vector<std::string>{"/credentials/token", "/passphrase"}));
        json oauth = valid();
        oauth["credentials"] = {{"auth_type", "oauth"}, {"client_id", "id"}, {"client_secret", "s"}};
        QCOMPARE(specSecretPointers(kSpec, oauth), (std::vector<std::string>{"/credentials/client_secret"}));
        // Absent secrets are not listed: there is nothing to store.
        QCOMPARE(specSecretPointers(kSpec, json::object()), std::vector<std::string>{});
    }
};

QTEST_GUILESS_MAIN(TestSpecValidation)
#include "tst_spec_validation.moc"
