#include "ui/PreferencesDialog.h"

#include "core/workbench/UserSettings.h"
#include "datasets/DatasetCache.h"
#include "ui/Named.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace prunelab::ui {

namespace {

constexpr double kGiB = double(qint64(1) << 30);

QLabel* hint(const QString& text)
{
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    const workbench::UserSettings settings;
    cacheDirectory_ = settings.cacheDirectory();

    // Sessions: the folder every run is saved in.
    sessionsEdit_ = named(new QLineEdit, "preferencesSessionsEdit", tr("Sessions folder"));
    sessionsEdit_->setText(QDir::toNativeSeparators(settings.sessionsRoot()));
    sessionsEdit_->setPlaceholderText(QDir::toNativeSeparators(workbench::UserSettings::defaultSessionsRoot()));
    sessionsEdit_->setClearButtonEnabled(true);
    sessionsEdit_->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 56);
    sessionsEdit_->setToolTip(tr("Empty: the default folder, %1")
                                  .arg(QDir::toNativeSeparators(workbench::UserSettings::defaultSessionsRoot())));
    auto* browse = named(new QPushButton(tr("Browse…")), "preferencesBrowseButton", tr("Choose the sessions folder"));
    connect(browse, &QPushButton::clicked, this, &PreferencesDialog::browseSessions);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(sessionsEdit_, 1);
    folderRow->addWidget(browse);
    auto* sessionsForm = new QFormLayout;
    sessionsForm->addRow(tr("&Folder:"), folderRow);
    static_cast<QLabel*>(sessionsForm->labelForField(folderRow))->setBuddy(sessionsEdit_);
    sessionsForm->addRow(hint(tr("New runs are saved here and the Sessions page lists it. prunelab-cli run and list "
                                 "use it too, unless given --sessions.")));
    auto* sessions = named(new QGroupBox(tr("Sessions")), "preferencesSessionsGroup", tr("Sessions"));
    sessions->setLayout(sessionsForm);

    // Dataset cache: decoded pixels, so a dataset opens quickly the next time.
    limitSpin_ = named(new QDoubleSpinBox, "preferencesCacheLimitSpin", tr("Dataset cache size limit in GiB"));
    limitSpin_->setRange(0.0, 1024.0);
    limitSpin_->setDecimals(1);
    limitSpin_->setSingleStep(0.5);
    limitSpin_->setSuffix(tr(" GiB"));
    limitSpin_->setSpecialValueText(tr("No cache"));
    limitSpin_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000.0 GiB")) + 40);
    limitSpin_->setValue(double(settings.cacheLimitBytes()) / kGiB);
    limitSpin_->setToolTip(tr("When the cache would grow past this, the datasets used least recently are removed "
                              "from it. 0: nothing is cached."));
    usageLabel_ = named(new QLabel, "preferencesCacheUsageLabel", tr("Dataset cache in use"));
    usageLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* location = named(new QLabel(QDir::toNativeSeparators(cacheDirectory_)), "preferencesCacheLocationLabel",
                           tr("Dataset cache location"));
    location->setTextInteractionFlags(Qt::TextSelectableByMouse);
    clearButton_ =
        named(new QPushButton(tr("Clear cache…")), "preferencesClearCacheButton", tr("Clear the dataset cache"));
    clearButton_->setToolTip(tr("Removes every cached dataset; each is decoded again the next time it is opened"));
    connect(clearButton_, &QPushButton::clicked, this, &PreferencesDialog::askClearCache);
    clearedLabel_ = named(new QLabel, "preferencesCacheClearedLabel", tr("What clearing the cache freed"));
    auto* clearRow = new QHBoxLayout;
    clearRow->addWidget(clearButton_);
    clearRow->addWidget(clearedLabel_, 1);
    auto* cacheForm = new QFormLayout;
    auto* limitRow = new QHBoxLayout;
    limitRow->addWidget(limitSpin_);
    limitRow->addStretch(1);
    cacheForm->addRow(tr("Size &limit:"), limitRow);
    static_cast<QLabel*>(cacheForm->labelForField(limitRow))->setBuddy(limitSpin_);
    cacheForm->addRow(tr("In use:"), usageLabel_);
    cacheForm->addRow(tr("Location:"), location);
    cacheForm->addRow(QString(), clearRow);
    cacheForm->addRow(hint(tr("Decoded images are kept here, so that a dataset opens quickly the next time. Past the "
                              "limit, the datasets used least recently are removed first.")));
    auto* cache = named(new QGroupBox(tr("Dataset cache")), "preferencesCacheGroup", tr("Dataset cache"));
    cache->setLayout(cacheForm);

    auto* file = named(
        new QLabel(tr("Saved in %1, shared with prunelab-cli.").arg(QDir::toNativeSeparators(settings.fileName()))),
        "preferencesFileLabel", tr("Where the preferences are saved"));
    file->setWordWrap(true);
    file->setForegroundRole(QPalette::PlaceholderText);
    file->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = named(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel), "preferencesButtons",
                          tr("OK or Cancel"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("preferencesOkButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("preferencesCancelButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(sessions);
    layout->addWidget(cache);
    layout->addWidget(file);
    layout->addStretch(1);
    layout->addWidget(buttons);
    connect(limitSpin_, &QDoubleSpinBox::valueChanged, this, &PreferencesDialog::showCacheUsage);
    showCacheUsage();
}

QString PreferencesDialog::sessionsRoot() const
{
    const QString text = QDir::cleanPath(QDir::fromNativeSeparators(sessionsEdit_->text().trimmed()));
    return text.isEmpty() || text == workbench::UserSettings::defaultSessionsRoot() ? QString() : text;
}

qint64 PreferencesDialog::cacheLimitBytes() const
{
    return qint64(std::llround(limitSpin_->value() * kGiB));
}

void PreferencesDialog::accept()
{
    const QString root = sessionsRoot();
    if (!root.isEmpty()) {
        const QFileInfo info(root);
        QString problem;
        if (!info.isAbsolute())
            problem = tr("Give the sessions folder as a full path, such as %1.")
                          .arg(QDir::toNativeSeparators(workbench::UserSettings::defaultSessionsRoot()));
        else if (info.exists() && !info.isDir())
            problem = tr("%1 is a file, not a folder.").arg(QDir::toNativeSeparators(root));
        if (!problem.isEmpty()) {
            QMessageBox::warning(this, tr("Sessions folder"), problem);
            sessionsEdit_->setFocus();
            return;
        }
    }
    workbench::UserSettings settings;
    settings.setSessionsRoot(root);
    settings.setCacheLimitBytes(cacheLimitBytes());
    settings.sync();
    const datasets::DatasetCache cache(cacheDirectory_, cacheLimitBytes());
    if (cache.usageBytes() > cache.limitBytes()) // a lower limit frees the space now, not at the next dataset
        (void)QtConcurrent::run([cache] { return cache.trim(cache.limitBytes()); });
    QDialog::accept();
}

void PreferencesDialog::browseSessions()
{
    const QString start = sessionsRoot().isEmpty() ? workbench::UserSettings::defaultSessionsRoot() : sessionsRoot();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder that holds the sessions"), start);
    if (!folder.isEmpty())
        sessionsEdit_->setText(QDir::toNativeSeparators(folder));
}

void PreferencesDialog::askClearCache()
{
    const qint64 used = datasets::DatasetCache(cacheDirectory_).usageBytes();
    const auto answer = QMessageBox::question(
        this, tr("Clear the dataset cache"),
        tr("Remove every cached dataset (%1) from %2?\nEach dataset is decoded again the next time it is opened.")
            .arg(locale().formattedDataSize(used, 1), QDir::toNativeSeparators(cacheDirectory_)));
    if (answer == QMessageBox::Yes)
        clearCache();
}

void PreferencesDialog::clearCache()
{
    if (clearing_)
        return;
    clearing_ = true;
    clearButton_->setEnabled(false);
    clearedLabel_->setText(tr("Clearing…"));
    auto* watcher = new QFutureWatcher<qint64>(this);
    connect(watcher, &QFutureWatcher<qint64>::finished, this, [this, watcher] {
        const qint64 freed = watcher->result();
        watcher->deleteLater();
        clearing_ = false;
        clearButton_->setEnabled(true);
        clearedLabel_->setText(tr("Freed %1.").arg(locale().formattedDataSize(freed, 1)));
        showCacheUsage();
        emit cacheCleared(freed);
    });
    // Only the folder's path crosses to the worker: the dialog may close before it ends.
    watcher->setFuture(
        QtConcurrent::run([folder = cacheDirectory_] { return datasets::DatasetCache(folder).clear(); }));
}

void PreferencesDialog::showCacheUsage()
{
    const qint64 used = datasets::DatasetCache(cacheDirectory_).usageBytes();
    const qint64 limit = cacheLimitBytes();
    const QString text =
        limit > 0 ? tr("%1 of %2").arg(locale().formattedDataSize(used, 1), locale().formattedDataSize(limit, 1))
                  : locale().formattedDataSize(used, 1);
    if (limit <= 0)
        usageLabel_->setText(used > 0 ? tr("%1: OK removes it all; nothing more is cached").arg(text)
                                      : tr("%1: caching is off").arg(text));
    else
        usageLabel_->setText(used <= limit ? text : tr("%1: OK removes the datasets used least recently").arg(text));
}

} // namespace prunelab::ui
