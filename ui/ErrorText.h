// Marks a label's text as an error (red) or normal, through its palette. A style sheet would also reach the label's
// tooltip (Qt parents the tooltip to the widget), which is how the grid's "background: black" once drew its tooltip
// black on black; the tooltip keeps QToolTip's own palette.
#pragma once

#include <QLabel>
#include <QPalette>

namespace aestudio {

inline void setErrorText(QLabel *label, bool error)
{
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText, error ? QColor(0xc0, 0x39, 0x2b) : QPalette().color(QPalette::WindowText));
    label->setPalette(pal);
}

} // namespace aestudio
