#pragma once

#include <QIcon>
#include <QProxyStyle>

class QPalette;

namespace sluice::ui {

// Whether `palette` is a dark one (light text on a dark window).
bool isDarkPalette(const QPalette& palette);

// Fusion, with radio and check indicators that show on a dark palette. Fusion derives their outline from
// the window colour, darker: on a dark window an unchecked radio button is not drawn at all and a checked
// one is a grey dot. Here the outline is the text colour and the mark the highlight colour; light palettes
// are drawn by Fusion itself.
class IndicatorStyle : public QProxyStyle {
public:
    using QProxyStyle::QProxyStyle;
    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget = nullptr) const override;
};

// The icon theme's `name`, else the style's `fallback`; a dark monochrome fallback (Fusion's play and stop
// arrows are black) is drawn in the palette's text colour on a dark palette, so it stays visible.
QIcon themedIcon(const char* name, QStyle::StandardPixmap fallback);

} // namespace sluice::ui
