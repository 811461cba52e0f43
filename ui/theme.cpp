#include "theme.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QStyleOption>

namespace sluice::ui {

bool isDarkPalette(const QPalette& palette) {
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

namespace {

QColor outlineOf(const QStyleOption& option) {
    const bool enabled = option.state & QStyle::State_Enabled;
    QColor c = option.palette.color(enabled ? QPalette::Active : QPalette::Disabled, QPalette::Text);
    c.setAlpha(enabled ? 210 : 120);
    return c;
}

void drawRadio(const QStyleOption& option, QPainter* painter) {
    const int side = qMin(option.rect.width(), option.rect.height());
    const QRectF r = QRectF(QRect(option.rect.topLeft(), QSize(side, side))).adjusted(1.5, 1.5, -1.5, -1.5);
    painter->setPen(QPen(outlineOf(option), 1.4));
    painter->setBrush(option.palette.base());
    painter->drawEllipse(r);
    if (option.state & QStyle::State_On) {
        painter->setPen(Qt::NoPen);
        painter->setBrush((option.state & QStyle::State_Enabled) ? option.palette.color(QPalette::Highlight)
                                                                 : outlineOf(option));
        painter->drawEllipse(r.center(), r.width() * 0.3, r.height() * 0.3);
    }
}

void drawCheck(const QStyleOption& option, QPainter* painter) {
    const int side = qMin(option.rect.width(), option.rect.height());
    const QRectF r = QRectF(QRect(option.rect.topLeft(), QSize(side, side))).adjusted(1.5, 1.5, -1.5, -1.5);
    painter->setPen(QPen(outlineOf(option), 1.4));
    painter->setBrush(option.palette.base());
    painter->drawRoundedRect(r, 2, 2);
    QPen mark(outlineOf(option).lighter(120), 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter->setPen(mark);
    if (option.state & QStyle::State_On) {
        QPainterPath tick;
        tick.moveTo(r.left() + r.width() * 0.22, r.top() + r.height() * 0.52);
        tick.lineTo(r.left() + r.width() * 0.42, r.top() + r.height() * 0.72);
        tick.lineTo(r.left() + r.width() * 0.78, r.top() + r.height() * 0.28);
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(tick);
    } else if (option.state & QStyle::State_NoChange) {
        painter->drawLine(QPointF(r.left() + r.width() * 0.25, r.center().y()),
                          QPointF(r.right() - r.width() * 0.25, r.center().y()));
    }
}

// Only dark, grey pixels (and transparency): a glyph meant to be drawn in the text colour.
bool isDarkMonochrome(const QImage& image) {
    int opaque = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() < 40)
                continue;
            ++opaque;
            if (c.hsvSaturation() > 60 || c.value() > 110)
                return false;
        }
    return opaque > 0;
}

} // namespace

void IndicatorStyle::drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                                   const QWidget* widget) const {
    const bool indicator = element == PE_IndicatorRadioButton || element == PE_IndicatorCheckBox;
    if (!indicator || !option || !isDarkPalette(option->palette)) {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        return;
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (element == PE_IndicatorRadioButton)
        drawRadio(*option, painter);
    else
        drawCheck(*option, painter);
    painter->restore();
}

QIcon themedIcon(const char* name, QStyle::StandardPixmap fallback) {
    const QString themeName = QString::fromLatin1(name);
    if (QIcon::hasThemeIcon(themeName))
        return QIcon::fromTheme(themeName);
    const QIcon standard = QApplication::style()->standardIcon(fallback);
    const QPalette palette = QApplication::palette();
    if (!isDarkPalette(palette))
        return standard;
    QIcon out;
    for (const int size : {16, 22, 24, 32, 48}) {
        QImage image = standard.pixmap(size).toImage().convertToFormat(QImage::Format_ARGB32_Premultiplied);
        if (!isDarkMonochrome(image))
            return standard;
        QPainter p(&image);
        p.setCompositionMode(QPainter::CompositionMode_SourceIn);
        p.fillRect(image.rect(), palette.color(QPalette::WindowText));
        p.end();
        out.addPixmap(QPixmap::fromImage(image));
    }
    return out;
}

} // namespace sluice::ui
