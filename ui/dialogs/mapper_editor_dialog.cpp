#include "dialogs/mapper_editor_dialog.h"

#include "dialogs/mapper_form.h"
#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace sluice::ui {

namespace {
void fill(QTableWidget* table, const core::RowSet& rows, const QVector<bool>& dropped = {}) {
    table->clear();
    table->setColumnCount(int(rows.columns.size()));
    table->setHorizontalHeaderLabels(rows.columns);
    table->setRowCount(int(rows.rows.size()));
    for (int r = 0; r < rows.rows.size(); ++r)
        for (int c = 0; c < rows.rows[r].size(); ++c) {
            auto* item = new QTableWidgetItem(rows.rows[r][c]);
            if (r < dropped.size() && dropped[r]) {
                QFont f = item->font();
                f.setStrikeOut(true);
                item->setFont(f);
                item->setToolTip(QObject::tr("A row filter drops this record."));
            }
            table->setItem(r, c, item);
        }
    table->resizeColumnsToContents();
}

QTableWidget* previewTable(QWidget* parent) {
    auto* t = new QTableWidget(parent);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}
} // namespace

MapperEditorDialog::MapperEditorDialog(EngineBridge* engine, qint64 connectionId, const core::StreamRow& row,
                                       QWidget* parent)
    : QDialog(parent), m_connectionId(connectionId), m_row(row) {
    setWindowTitle(tr("Mappers of %1").arg(row.name));
    resize(860, 620);
    const QJsonObject mapping = QJsonDocument::fromJson(row.mappingJson.toUtf8()).object();
    m_selectedFields = mapping.value(QStringLiteral("selected_fields"));
    m_mappers = mapping.value(QStringLiteral("mappers")).toArray();

    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel(tr("Mappers rewrite each record before the destination, in this order: hash or "
                      "encrypt a field, rename one, or keep only some rows. The primary key and the "
                      "cursor cannot be changed. On a stream with data, saving asks whether to "
                      "refresh, so that old and new rows do not mix."),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* top = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    m_list = new QListWidget(this);
    left->addWidget(m_list);
    auto* buttons = new QHBoxLayout;
    m_add = new QToolButton(this);
    m_add->setText(tr("Add"));
    m_add->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_add);
    menu->addAction(tr("Hash a field"), this, [this] { addMapper(QStringLiteral("hashing")); });
    menu->addAction(tr("Encrypt a field"), this, [this] { addMapper(QStringLiteral("encryption")); });
    menu->addAction(tr("Rename a field"), this, [this] { addMapper(QStringLiteral("field-renaming")); });
    menu->addAction(tr("Filter rows"), this, [this] { addMapper(QStringLiteral("row-filtering")); });
    m_add->setMenu(menu);
    m_remove = new QPushButton(tr("Remove"), this);
    m_up = new QPushButton(tr("Up"), this);
    m_down = new QPushButton(tr("Down"), this);
    for (QWidget* w : std::initializer_list<QWidget*>{m_add, m_remove, m_up, m_down})
        buttons->addWidget(w);
    left->addLayout(buttons);
    top->addLayout(left, 2);
    m_form = new MapperForm(this);
    m_form->setFields(row.columns);
    top->addWidget(m_form, 3);
    layout->addLayout(top, 2);

    m_status = new QLabel(tr("Reading the first records of %1 from the source…").arg(row.name), this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    layout->addWidget(m_status);
    m_tabs = new QTabWidget(this);
    m_after = previewTable(m_tabs);
    m_before = previewTable(m_tabs);
    m_tabs->addTab(m_after, tr("After the mappers"));
    m_tabs->addTab(m_before, tr("As the source sends them"));
    layout->addWidget(m_tabs, 3);

    auto* box = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_apply = box->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    connect(box, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(box);

    connect(m_list, &QListWidget::currentRowChanged, this, &MapperEditorDialog::selectMapper);
    connect(m_remove, &QPushButton::clicked, this, &MapperEditorDialog::removeSelected);
    connect(m_up, &QPushButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveSelected(1); });
    connect(m_form, &MapperForm::changed, this, &MapperEditorDialog::onFormChanged);
    connect(engine->engine(), &core::Engine::recordSampleLoaded, this, &MapperEditorDialog::onSample);
    rebuildList(m_mappers.isEmpty() ? -1 : 0);
    updatePreview();
    engine->engine()->loadRecordSample(connectionId, row.name);
}

QString MapperEditorDialog::mappingJson() const {
    QJsonObject m;
    if (!m_selectedFields.isUndefined() && !m_selectedFields.isNull())
        m[QStringLiteral("selected_fields")] = m_selectedFields;
    if (!m_mappers.isEmpty())
        m[QStringLiteral("mappers")] = m_mappers;
    return m.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact));
}

void MapperEditorDialog::addMapper(const QString& type) {
    // The field offered first: the one selected in the preview, else the first that is not the key.
    QString field;
    for (const auto& c : m_row.columns)
        if (!m_row.primaryKey.contains(c) && c != m_row.cursor) {
            field = c;
            break;
        }
    if (field.isEmpty())
        field = m_row.columns.value(0);
    m_mappers.append(newMapper(type, field));
    rebuildList(int(m_mappers.size()) - 1);
    updatePreview();
}

void MapperEditorDialog::selectMapper(int index) {
    if (index != m_list->currentRow()) {
        m_list->setCurrentRow(index);
        return; // currentRowChanged comes back here
    }
    m_form->setMapper(index >= 0 && index < m_mappers.size() ? m_mappers[index].toObject() : QJsonObject());
    m_remove->setEnabled(index >= 0);
    m_up->setEnabled(index > 0);
    m_down->setEnabled(index >= 0 && index + 1 < m_mappers.size());
}

void MapperEditorDialog::removeSelected() {
    const int i = m_list->currentRow();
    if (i < 0 || i >= m_mappers.size())
        return;
    m_mappers.removeAt(i);
    rebuildList(std::min(i, int(m_mappers.size()) - 1));
    updatePreview();
}

void MapperEditorDialog::moveSelected(int by) {
    const int i = m_list->currentRow();
    const int j = i + by;
    if (i < 0 || j < 0 || j >= m_mappers.size())
        return;
    const QJsonValue moved = m_mappers[i];
    m_mappers.removeAt(i);
    m_mappers.insert(j, moved);
    rebuildList(j);
    updatePreview();
}

void MapperEditorDialog::onFormChanged(const QJsonObject& mapper) {
    const int i = m_list->currentRow();
    if (i < 0 || i >= m_mappers.size())
        return;
    m_mappers[i] = mapper;
    m_list->item(i)->setText(QStringLiteral("%1. %2").arg(i + 1).arg(mapperSummary(mapper)));
    updatePreview();
}

void MapperEditorDialog::rebuildList(int select) {
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (int i = 0; i < m_mappers.size(); ++i)
        m_list->addItem(QStringLiteral("%1. %2").arg(i + 1).arg(mapperSummary(m_mappers[i].toObject())));
    m_list->setCurrentRow(select);
    selectMapper(select);
}

void MapperEditorDialog::onSample(const core::RecordSample& sample) {
    if (sample.connectionId != m_connectionId || sample.stream != m_row.name)
        return;
    m_sample = sample;
    m_sampled = true;
    if (sample.error.isEmpty() && !sample.columns.isEmpty())
        m_form->setFields(sample.columns);
    updatePreview();
}

void MapperEditorDialog::updatePreview() {
    if (!m_sampled) {
        m_apply->setEnabled(true); // the engine checks again before a sync; the preview is for seeing
        return;
    }
    if (!m_sample.error.isEmpty()) {
        m_status->setText(tr("No preview: %1").arg(m_sample.error.toHtmlEscaped()));
        m_apply->setEnabled(true);
        return;
    }
    m_preview = core::previewMapping(m_sample, m_row, mappingJson());
    if (!m_preview.error.isEmpty()) {
        m_status->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                              .arg(errorColorName(), m_preview.error.toHtmlEscaped()));
        m_after->clear();
        m_after->setRowCount(0);
        m_after->setColumnCount(0);
        m_apply->setEnabled(false);
        return;
    }
    QVector<bool> dropped;
    for (bool k : m_preview.kept)
        dropped << !k;
    fill(m_before, m_preview.before, dropped);
    fill(m_after, m_preview.after);
    const int n = int(m_preview.before.rows.size());
    QString text =
        n == 1 ? tr("1 sample record from the source") : tr("%1 sample records from the source").arg(n);
    if (m_preview.dropped > 0)
        text +=
            tr("; the row filters drop %1 of them (struck out in the source's tab)").arg(m_preview.dropped);
    if (m_preview.placeholderKey)
        text += tr(". The saved key is kept secret: the preview encrypts with a stand-in key");
    m_status->setText(text + QLatin1Char('.'));
    m_apply->setEnabled(true);
}

} // namespace sluice::ui
