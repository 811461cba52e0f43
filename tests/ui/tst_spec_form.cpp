// Connector forms are generated from the connectors' JSON Schema specs: required marks, defaults, enums,
// masked secrets with a reveal toggle, and inline validation messages.
#include "connectors/connector_specs.h"
#include "widgets/spec_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QtTest>

using namespace sluice;

namespace {
QString spec(core::ConnectorRole role, const char* type) {
    return QString::fromStdString(core::connectorSpecJson(role, type));
}
} // namespace

class TestSpecForm : public QObject {
    Q_OBJECT
private slots:
    void secretsAreMaskedWithARevealToggle() {
        ui::SpecForm form;
        form.setSpec(spec(core::ConnectorRole::Destination, "postgres"));
        form.show();
        auto* password = qobject_cast<QLineEdit*>(form.editor("password"));
        QVERIFY(password);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QToolButton* reveal = nullptr;
        for (auto* b : form.findChildren<QToolButton*>())
            if (b->accessibleName().startsWith("Reveal"))
                reveal = b;
        QVERIFY(reveal);
        reveal->click();
        QCOMPARE(password->echoMode(), QLineEdit::Normal);
        reveal->click();
        QCOMPARE(password->echoMode(), QLineEdit::Password);
    }

    void defaultsRequiredMarksAndValidation() {
        ui::SpecForm form;
        form.setSpec(spec(core::ConnectorRole::Destination, "postgres"));
        // Defaults are filled in; required fields are marked and reported until filled.
        QCOMPARE(qobject_cast<QLineEdit*>(form.editor("port"))->text(), QString("5432"));
        QCOMPARE(qobject_cast<QLineEdit*>(form.editor("schema"))->text(), QString("public"));
        bool marked = false;
        for (auto* l : form.findChildren<QLabel*>())
            marked = marked || (l->buddy() == form.editor("database") && l->text().contains("*"));
        QVERIFY(marked);
        QCOMPARE(form.errors(), QStringList({"Database: Required.", "User: Required."}));
        qobject_cast<QLineEdit*>(form.editor("database"))->setText("shop");
        qobject_cast<QLineEdit*>(form.editor("user"))->setText("me");
        qobject_cast<QLineEdit*>(form.editor("port"))->setText("70000");
        QCOMPARE(form.errors(), QStringList({"Port: Must be at most 65535."}));
        qobject_cast<QLineEdit*>(form.editor("port"))->setText("5433");
        QVERIFY(form.errors().isEmpty());
        const QJsonObject v = form.values();
        QCOMPARE(v.value("port").toInt(), 5433);
        QCOMPARE(v.value("database").toString(), QString("shop"));
        QVERIFY(!v.contains("password")); // empty and optional: left out, the connector's default applies
    }

    void enumsAndNumbersOfTheSources() {
        ui::SpecForm form;
        form.setSpec(spec(core::ConnectorRole::Source, "file"));
        auto* format = qobject_cast<QComboBox*>(form.editor("format"));
        QVERIFY(format);
        QCOMPARE(format->count(), 3);
        QCOMPARE(format->currentText(), QString("auto"));
        form.setSpec(spec(core::ConnectorRole::Source, "demo"));
        form.setValues({{"count", 50}, {"churn", 0.5}});
        QCOMPARE(form.values().value("count").toInt(), 50);
        qobject_cast<QLineEdit*>(form.editor("count"))->setText("many");
        QCOMPARE(form.errors(), QStringList({"Records per stream: Must be a whole number."}));
    }
};

QTEST_MAIN(TestSpecForm)
#include "tst_spec_form.moc"
