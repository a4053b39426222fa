#include "ConfigPanel.h"
#include "FileDialogs.h"

#include "ErrorText.h"

#include "DatasetCatalog.h"
#include "DatasetSources.h"
#include "DatasetStore.h"
#include "StudioSettings.h"
#include "Sweep.h"
#include "SystemInfo.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <cmath>

namespace aestudio {
namespace {

QString depthLabel(int depth)
{
    QStringList widths;
    for (int h : ModelSpec::hiddenForDepth(depth))
        widths << QString::number(h);
    return QObject::tr("%1 layers (%2)").arg(depth).arg(widths.join(QStringLiteral(", ")));
}

QSlider *percentSlider(int max)
{
    auto *s = new QSlider(Qt::Horizontal);
    s->setRange(0, max);
    s->setSingleStep(1);
    s->setPageStep(10);
    return s;
}

} // namespace

ConfigPanel::ConfigPanel(QWidget *parent) : QWidget(parent)
{
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_dataset = new QComboBox;
    m_dataset->setObjectName(QStringLiteral("dataset"));
    m_openFolder = new QPushButton(tr("Open folder…"));
    m_download = new QPushButton(tr("Download…"));
    m_download->setObjectName(QStringLiteral("downloadDataset"));
    m_download->setToolTip(tr("Fetch this dataset from the mirrors torchvision uses, checking every file's MD5"));
    m_download->hide();
    auto *datasetRow = new QHBoxLayout;
    datasetRow->addWidget(m_dataset, 1);
    datasetRow->addWidget(m_openFolder);
    form->addRow(tr("Dataset"), datasetRow);
    m_datasetStatus = new QLabel;
    m_datasetStatus->setWordWrap(true);
    m_datasetStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Download… sits on the status line, where "not on this machine" is said.
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_datasetStatus, 1);
    statusRow->addWidget(m_download);
    form->addRow(QString(), statusRow);
    addModelRows(form);
    addTrainingRows(form);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);

    refreshDatasets();
    setConfig(StudioSettings::defaults());
    connectFields();
    addToolTips();
}

void ConfigPanel::addToolTips()
{
    // What each field does and its range, for a first run without the manual.
    m_dataset->setToolTip(tr("The images to train on: known datasets, downloaded or imported ones, or an IDX folder"));
    m_depth->setToolTip(tr("Depth 3: hidden layers 256-128, then the latent.\nDepth 5: hidden layers 512-256-128-64, "
                           "then the latent.\nThe decoder mirrors the encoder."));
    m_latentPreset->setToolTip(tr("The seed report's latent sizes (15, 30, 50, 100), or any other"));
    m_latent->setToolTip(tr("Latent dim: the width of the bottleneck code, 1-4096"));
    m_dropout->setToolTip(tr("Dropout p: fraction of hidden units zeroed while training, 0-0.9 (none at evaluation)"));
    m_weightDecay->setToolTip(tr("L2 weight decay added to Adam's update, 0-0.1 (0 = none)"));
    m_noiseType->setToolTip(tr("How training inputs are corrupted: Gaussian noise of std σ, salt & pepper at a rate, "
                               "or masking (pixels set to 0) at a rate"));
    m_noise->setToolTip(tr("Training noise level, 0-1: σ for Gaussian, the fraction of pixels otherwise. 0 trains a "
                           "plain autoencoder; above 0 a denoising one"));
    m_epochs->setToolTip(tr("Epochs: the total to train to, 1-10000 (Continue goes on to this number)"));
    m_batchSize->setToolTip(tr("Images per optimizer step, 1-65536 (the seed uses 64)"));
    m_lr->setToolTip(tr("Adam's learning rate, 1e-6 to 1 (the seed uses 0.001)"));
    m_schedule->setToolTip(tr("constant: the same rate throughout; cosine decay: down to 0 by the last epoch"));
    m_seed->setToolTip(tr("Seed of the split, initial weights, shuffles, dropout and noise: the same seed gives the "
                          "same run"));
    m_threads->setToolTip(tr("CPU threads for training; auto uses one per hardware thread"));
    m_device->setToolTip(tr("auto picks CUDA when LibTorch has a GPU, else the CPU"));
}

void ConfigPanel::addModelRows(QFormLayout *form)
{
    m_depth = new QComboBox;
    m_depth->setObjectName(QStringLiteral("depth"));
    m_depth->addItem(depthLabel(3), 3);
    m_depth->addItem(depthLabel(5), 5);
    form->addRow(tr("Depth"), m_depth);

    m_latentPreset = new QComboBox;
    for (int v : SweepSpec::seedStudy({}).latents) // the seed report's latent dims
        m_latentPreset->addItem(QString::number(v), v);
    m_latentPreset->addItem(tr("other"), 0);
    m_latent = new QSpinBox;
    m_latent->setObjectName(QStringLiteral("latent"));
    m_latent->setRange(1, 4096);
    m_latent->setValue(15);
    auto *latentRow = new QHBoxLayout;
    latentRow->addWidget(m_latentPreset);
    latentRow->addWidget(m_latent, 1);
    form->addRow(tr("Latent dim"), latentRow);

    m_dropout = percentSlider(90);
    m_dropout->setObjectName(QStringLiteral("dropout"));
    m_dropoutValue = new QLabel;
    m_dropoutValue->setMinimumWidth(36);
    auto *dropoutRow = new QHBoxLayout;
    dropoutRow->addWidget(m_dropout, 1);
    dropoutRow->addWidget(m_dropoutValue);
    form->addRow(tr("Dropout p"), dropoutRow);
}

void ConfigPanel::addTrainingRows(QFormLayout *form)
{
    m_weightDecay = new QDoubleSpinBox;
    m_weightDecay->setDecimals(6);
    m_weightDecay->setRange(0.0, 0.1);
    m_weightDecay->setSingleStep(1e-5);
    form->addRow(tr("L2 weight decay"), m_weightDecay);

    m_noiseType = new QComboBox;
    m_noiseType->addItem(tr("Gaussian σ"), int(NoiseType::Gaussian));
    m_noiseType->addItem(tr("Salt & pepper rate"), int(NoiseType::SaltPepper));
    m_noiseType->addItem(tr("Masking rate"), int(NoiseType::Masking));
    form->addRow(tr("Training noise"), m_noiseType);
    m_noise = percentSlider(100);
    m_noise->setObjectName(QStringLiteral("trainingNoise"));
    m_noiseValue = new QLabel;
    m_noiseValue->setMinimumWidth(36);
    auto *noiseRow = new QHBoxLayout;
    noiseRow->addWidget(m_noise, 1);
    noiseRow->addWidget(m_noiseValue);
    form->addRow(tr("Noise level"), noiseRow);

    m_epochs = new QSpinBox;
    m_epochs->setObjectName(QStringLiteral("epochs"));
    m_epochs->setRange(1, 10000);
    form->addRow(tr("Epochs"), m_epochs);
    m_batchSize = new QSpinBox;
    m_batchSize->setRange(1, 65536);
    form->addRow(tr("Batch size"), m_batchSize);
    m_lr = new QDoubleSpinBox;
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 1.0);
    m_lr->setSingleStep(1e-4);
    form->addRow(tr("Learning rate"), m_lr);
    m_schedule = new QComboBox;
    m_schedule->addItem(tr("constant"), QStringLiteral("constant"));
    m_schedule->addItem(tr("cosine decay"), QStringLiteral("cosine"));
    form->addRow(tr("LR schedule"), m_schedule);
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1'000'000'000);
    form->addRow(tr("Seed"), m_seed);
    m_threads = new QSpinBox;
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("auto (%1)").arg(SystemInfo::hardwareThreads()));
    form->addRow(tr("Threads"), m_threads);
    m_device = new QComboBox;
    m_device->addItem(tr("auto"), QStringLiteral("auto"));
    for (const QString &d : SystemInfo::collect().devices)
        m_device->addItem(d, d);
    form->addRow(tr("Device"), m_device);
}

void ConfigPanel::connectFields()
{
    auto emitChanged = [this] { Q_EMIT changed(); };
    connect(m_dataset, &QComboBox::currentIndexChanged, this, [this] {
        updateDatasetStatus();
        Q_EMIT changed();
    });
    connect(m_download, &QPushButton::clicked, this,
            [this] { Q_EMIT downloadRequested(m_dataset->currentData().toString()); });
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        const QString dir = FileDialogs::folder(this, tr("Folder with IDX files"));
        if (!dir.isEmpty())
            addDatasetFolder(dir);
    });
    connect(m_depth, &QComboBox::currentIndexChanged, this, emitChanged);
    connect(m_latentPreset, &QComboBox::currentIndexChanged, this, [this] {
        const int v = m_latentPreset->currentData().toInt();
        if (v > 0)
            m_latent->setValue(v);
    });
    connect(m_latent, &QSpinBox::valueChanged, this, [this] {
        syncLatentPreset();
        Q_EMIT changed();
    });
    connect(m_dropout, &QSlider::valueChanged, this, [this](int v) {
        m_dropoutValue->setText(QString::number(v / 100.0, 'f', 2));
        Q_EMIT changed();
    });
    connect(m_noise, &QSlider::valueChanged, this, [this](int v) {
        m_noiseValue->setText(QString::number(v / 100.0, 'f', 2));
        Q_EMIT changed();
    });
    for (QDoubleSpinBox *s : {m_weightDecay, m_lr})
        connect(s, &QDoubleSpinBox::valueChanged, this, emitChanged);
    for (QSpinBox *s : {m_epochs, m_batchSize, m_seed, m_threads})
        connect(s, &QSpinBox::valueChanged, this, emitChanged);
    for (QComboBox *c : {m_noiseType, m_device, m_schedule})
        connect(c, &QComboBox::currentIndexChanged, this, emitChanged);
}

void ConfigPanel::refreshDatasets()
{
    const QString current = m_dataset->currentData().toString();
    bool moved = false;
    {
        const QSignalBlocker block(m_dataset);
        fillDatasets(current);
        moved = m_dataset->currentData().toString() != current;
    }
    updateDatasetStatus();
    if (moved) // the chosen dataset is gone (removed): everyone following the recipe hears of the fallback
        Q_EMIT changed();
}

void ConfigPanel::fillDatasets(const QString &current)
{
    QStringList folders; // folders opened by hand stay in the list
    for (int i = 0; i < m_dataset->count(); ++i)
        if (m_dataset->itemText(i).startsWith(tr("Folder: ")))
            folders << m_dataset->itemData(i).toString();
    m_dataset->clear();
    for (const QString &name : DatasetCatalog::availableNames()) {
        m_dataset->addItem(DatasetSources::titleOf(name), name);
    }
    for (const QString &folder : std::as_const(folders))
        m_dataset->addItem(tr("Folder: %1").arg(folder), folder);
    const int index = m_dataset->findData(current);
    m_dataset->setCurrentIndex(index >= 0 ? index : 0);
}

void ConfigPanel::selectDataset(const QString &name)
{
    refreshDatasets();
    if (!m_dataset->isEnabled())
        return; // a run is active: the new dataset is listed, but the recipe in use does not change under it
    const int index = m_dataset->findData(name);
    if (index >= 0)
        m_dataset->setCurrentIndex(index); // emits changed() through currentIndexChanged
    updateDatasetStatus();
    Q_EMIT changed();
}

void ConfigPanel::addDatasetFolder(const QString &path)
{
    int index = m_dataset->findData(path);
    if (index < 0) {
        m_dataset->addItem(tr("Folder: %1").arg(path), path);
        index = m_dataset->count() - 1;
    }
    m_dataset->setCurrentIndex(index);
    updateDatasetStatus();
}

void ConfigPanel::updateDatasetStatus()
{
    const QString name = m_dataset->currentData().toString();
    const DatasetLocation loc = DatasetCatalog::locate(name);
    m_download->setVisible(!loc.found() && DatasetSources::find(name) && m_dataset->isEnabled());
    if (loc.found()) {
        m_datasetProblem.clear();
        m_datasetStatus->setText(tr("✔ found in %1").arg(loc.directory));
        setErrorText(m_datasetStatus, false);
    } else if (DatasetCatalog::knownNames().contains(name)) {
        m_datasetProblem = tr("%1 was not found. Looked in: %2. Use “Download…”, put the four IDX files in one of "
                              "these folders, or use “Open folder…”.")
                               .arg(m_dataset->currentText(), loc.searched.join(QStringLiteral(", ")));
        m_datasetStatus->setText(tr("✘ not on this machine"));
        setErrorText(m_datasetStatus, true);
    } else {
        m_datasetProblem = tr("%1 does not hold the four IDX files (train-images-idx3-ubyte, "
                              "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz).")
                               .arg(name);
        m_datasetStatus->setText(tr("✘ no IDX files in this folder"));
        setErrorText(m_datasetStatus, true);
    }
    m_datasetStatus->setToolTip(m_datasetProblem);
}

QString ConfigPanel::readyText() const
{
    if (!m_datasetProblem.isEmpty())
        return tr("Not ready: %1").arg(m_datasetStatus->text());
    const TrainingConfig c = config();
    const DatasetSummary d = DatasetStore::summarize(c.dataset); // headers only
    if (!d.problem.isEmpty())
        return tr("Not ready: %1").arg(d.problem);
    const int pool = c.limit > 0 ? std::min(c.limit, d.trainCount) : d.trainCount;
    const int val = int(std::lround(pool * c.validationFraction));
    const QLocale numbers(QLocale::English);
    const QString device = SystemInfo::resolveDevice(c.device);
    const int threads = SystemInfo::threadsFor(c.threads);
    return tr("Ready: %1 %2 / %3 / %4 · %5 · %6")
        .arg(m_dataset->currentText(), numbers.toString(pool - val), numbers.toString(val),
             numbers.toString(d.testCount), device.toUpper(),
             threads == 1 ? tr("1 thread") : tr("%1 threads").arg(threads));
}

QString ConfigPanel::startBlocker() const
{
    return m_datasetProblem;
}

void ConfigPanel::syncLatentPreset()
{
    const QSignalBlocker block(m_latentPreset);
    const int index = m_latentPreset->findData(m_latent->value());
    m_latentPreset->setCurrentIndex(index >= 0 ? index : m_latentPreset->count() - 1);
}

TrainingConfig ConfigPanel::config() const
{
    TrainingConfig c = shownConfig();
    if (c.model.dropout == m_shownForSet.model.dropout)
        c.model.dropout = m_set.model.dropout;
    if (c.noise.level == m_shownForSet.noise.level)
        c.noise.level = m_set.noise.level;
    if (c.weightDecay == m_shownForSet.weightDecay)
        c.weightDecay = m_set.weightDecay;
    if (c.learningRate == m_shownForSet.learningRate)
        c.learningRate = m_set.learningRate;
    if (c.seed == m_shownForSet.seed)
        c.seed = m_set.seed;
    return c;
}

TrainingConfig ConfigPanel::shownConfig() const
{
    TrainingConfig c;
    c.dataset = m_dataset->currentData().toString();
    c.model.hidden = ModelSpec::hiddenForDepth(m_depth->currentData().toInt());
    c.model.latent = m_latent->value();
    c.model.dropout = m_dropout->value() / 100.0;
    c.weightDecay = m_weightDecay->value();
    c.noise = {NoiseType(m_noiseType->currentData().toInt()), m_noise->value() / 100.0};
    c.epochs = m_epochs->value();
    c.batchSize = m_batchSize->value();
    c.learningRate = m_lr->value();
    c.lrSchedule = m_schedule->currentData().toString();
    c.seed = std::uint64_t(m_seed->value());
    c.threads = m_threads->value();
    c.device = m_device->currentData().toString();
    return c;
}

void ConfigPanel::setConfig(const TrainingConfig &c)
{
    int index = m_dataset->findData(c.dataset);
    if (index < 0 && DatasetCatalog::availableNames().contains(c.dataset)) { // arrived since the list was made
        refreshDatasets();
        index = m_dataset->findData(c.dataset);
    }
    if (index < 0 && !DatasetCatalog::availableNames().contains(c.dataset)) {
        addDatasetFolder(c.dataset);
    } else {
        m_dataset->setCurrentIndex(std::max(index, 0));
    }
    m_depth->setCurrentIndex(std::max(0, m_depth->findData(c.model.depth())));
    m_latent->setValue(c.model.latent);
    syncLatentPreset();
    m_dropout->setValue(int(std::lround(c.model.dropout * 100)));
    m_weightDecay->setValue(c.weightDecay);
    m_noiseType->setCurrentIndex(std::max(0, m_noiseType->findData(int(c.noise.type))));
    m_noise->setValue(int(std::lround(std::min(c.noise.level, 1.0) * 100)));
    m_epochs->setValue(c.epochs);
    m_batchSize->setValue(c.batchSize);
    m_lr->setValue(c.learningRate);
    m_schedule->setCurrentIndex(std::max(0, m_schedule->findData(c.lrSchedule)));
    m_seed->setValue(int(std::min<std::uint64_t>(c.seed, 1'000'000'000)));
    m_threads->setValue(c.threads);
    m_device->setCurrentIndex(std::max(0, m_device->findData(c.device)));
    m_set = c;
    m_shownForSet = shownConfig();
    // The labels beside the sliders say the value that is used.
    m_dropoutValue->setText(QString::number(c.model.dropout, 'f', 2));
    m_noiseValue->setText(QString::number(c.noise.level, 'f', 2));
    updateDatasetStatus();
}

void ConfigPanel::setEditable(bool editable)
{
    for (QWidget *w : findChildren<QWidget *>())
        if (w != m_datasetStatus)
            w->setEnabled(editable);
    updateDatasetStatus(); // Download… only while the settings can change
}

} // namespace aestudio
