// The Help menu's two windows: About (versions, BLAS, devices) and Keyboard shortcuts (read from the actions
// themselves, so the list never drifts from what the keys do).
#pragma once

#include <QList>

class QAction;
class QWidget;

namespace aestudio::HelpDialogs {

void showAbout(QWidget *parent);
// Every action with a shortcut, plus the keys that are not actions (Enter in a run table).
void showShortcuts(QWidget *parent, const QList<QAction *> &actions);

} // namespace aestudio::HelpDialogs
