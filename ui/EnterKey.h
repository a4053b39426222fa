// Enter (Return or the keypad's Enter) on a focused view runs `open`: the run tables open their selected run on
// Enter as on a double click.
#pragma once

#include <QKeySequence>
#include <QShortcut>
#include <QWidget>

#include <functional>

namespace aestudio {

inline void onEnterKey(QWidget *view, QObject *context, const std::function<void()> &open)
{
    for (int key : {int(Qt::Key_Return), int(Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(QKeySequence(key), view);
        shortcut->setContext(Qt::WidgetShortcut);
        QObject::connect(shortcut, &QShortcut::activated, context, open);
    }
}

} // namespace aestudio
