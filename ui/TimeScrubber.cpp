#include "TimeScrubber.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QToolButton>

namespace aestudio {

TimeScrubber::TimeScrubber(QWidget *parent)
    : QWidget(parent), m_slider(new QSlider(Qt::Horizontal)), m_label(new QLabel), m_liveButton(new QToolButton),
      m_export(new QToolButton)
{
    m_slider->setObjectName(QStringLiteral("epochScrubber"));
    m_slider->setToolTip(tr("Scrub through the epochs: the charts mark the epoch, the grids show its "
                            "reconstructions (at the training noise)"));
    m_slider->setPageStep(1);
    m_liveButton->setText(tr("Live"));
    m_liveButton->setObjectName(QStringLiteral("scrubberLive"));
    m_liveButton->setCheckable(true);
    m_liveButton->setChecked(true);
    m_liveButton->setToolTip(tr("Follow training: the newest epoch, and the grids at the explorer's noise"));
    // In a narrow window the label gives way (clipped, its whole text in the tooltip), not the slider: a label
    // holding its full width squeezed the slider to a few pixels at 1024 x 700.
    m_slider->setMinimumWidth(80);
    m_label->setMinimumWidth(40); // instead of its whole text's width; it still asks for that when there is room
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(new QLabel(tr("Epochs:")));
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_label);
    layout->addWidget(m_liveButton);
    layout->addWidget(m_export);
    m_export->hide();
    connect(m_slider, &QSlider::valueChanged, this, &TimeScrubber::onSlider);
    connect(m_liveButton, &QToolButton::clicked, this, [this](bool on) { setLive(on || m_snapshots.isEmpty()); });
    setSnapshots({}, {});
}

void TimeScrubber::setExportAction(QAction *action)
{
    m_export->setDefaultAction(action);
    m_export->setVisible(action != nullptr);
}

void TimeScrubber::setSnapshots(const QVector<ProbeSnapshot> &snapshots, const QVector<EpochMetrics> &history)
{
    const int previous = shownEpoch();
    m_snapshots = snapshots;
    m_history = history;
    m_settingSlider = true;
    m_slider->setRange(0, std::max(0, int(m_snapshots.size()) - 1));
    if (m_live)
        m_slider->setValue(m_slider->maximum()); // following: the newest epoch, the grids stay live
    m_slider->setEnabled(!m_snapshots.isEmpty());
    m_settingSlider = false;
    if (!m_live && !showEpoch(previous))
        setLive(true);
    updateLabel();
}

void TimeScrubber::setLive(bool live)
{
    m_live = live;
    m_liveButton->setChecked(live);
    if (live) {
        m_settingSlider = true;
        m_slider->setValue(m_slider->maximum());
        m_settingSlider = false;
        Q_EMIT liveResumed();
    } else if (!m_snapshots.isEmpty()) {
        Q_EMIT epochShown(m_snapshots[m_slider->value()]);
    }
    updateLabel();
}

int TimeScrubber::shownEpoch() const
{
    if (m_live || m_snapshots.isEmpty())
        return 0;
    return m_snapshots[std::clamp(m_slider->value(), 0, int(m_snapshots.size()) - 1)].epoch;
}

bool TimeScrubber::showEpoch(int epoch)
{
    for (int i = 0; i < m_snapshots.size(); ++i) {
        if (m_snapshots[i].epoch == epoch) {
            m_live = false;
            m_liveButton->setChecked(false);
            m_settingSlider = true;
            m_slider->setValue(i);
            m_settingSlider = false;
            Q_EMIT epochShown(m_snapshots[i]);
            updateLabel();
            return true;
        }
    }
    return false;
}

void TimeScrubber::onSlider(int index)
{
    if (m_settingSlider || index < 0 || index >= m_snapshots.size())
        return;
    showEpoch(m_snapshots[index].epoch);
}

void TimeScrubber::updateLabel()
{
    if (m_snapshots.isEmpty()) {
        m_label->setText(tr("no epochs yet"));
        m_label->setToolTip(m_label->text());
        return;
    }
    const ProbeSnapshot &s = m_snapshots[m_slider->value()];
    const int total = m_history.isEmpty() ? m_snapshots.last().epoch : m_history.last().epoch;
    QString text
        = m_live ? tr("Live · epoch %1/%2").arg(s.epoch).arg(total) : tr("Epoch %1/%2").arg(s.epoch).arg(total);
    for (const EpochMetrics &m : m_history)
        if (m.epoch == s.epoch)
            text += tr(" · val %1 · %2 dB").arg(m.valLoss, 0, 'g', 4).arg(m.valPsnrGlobalDb, 0, 'f', 2);
    m_label->setText(text);
    m_label->setToolTip(text);
}

} // namespace aestudio
