#include "SeedReference.h"

namespace aestudio {

QString SeedReference::referenceFor(const QString &dataset)
{
    return dataset.contains(QLatin1String("fashion")) || !dataset.contains(QLatin1String("mnist"))
        ? QStringLiteral("fashion-mnist")
        : QStringLiteral("mnist");
}

SeedReference::Table SeedReference::table(const QString &reference)
{
    auto row = [](double a, double b, double c, double d) {
        return QMap<int, double>{{15, a}, {30, b}, {50, c}, {100, d}};
    };
    if (reference == QLatin1String("mnist"))
        return {{QStringLiteral("Non-Regularized 3 layers"), row(0.0236, 0.0186, 0.0262, 0.0171)},
                {QStringLiteral("Non-Regularized 5 layers"), row(0.0449, 0.0315, 0.0352, 0.0379)},
                {QStringLiteral("Regularized 3 layers"), row(0.0299, 0.115, 0.0331, 0.1154)},
                {QStringLiteral("Regularized 5 layers"), row(0.0638, 0.1142, 0.1240, 0.1269)}};
    return {{QStringLiteral("Non-Regularized 3 layers"), row(0.0221, 0.0179, 0.0165, 0.0172)},
            {QStringLiteral("Non-Regularized 5 layers"), row(0.0261, 0.0222, 0.0250, 0.0223)},
            {QStringLiteral("Regularized 3 layers"), row(0.0266, 0.0311, 0.0327, 0.0314)},
            {QStringLiteral("Regularized 5 layers"), row(0.0613, 0.0712, 0.2049, 0.0716)}};
}

double SeedReference::denoisePsnrDb(const QString &reference)
{
    return reference == QLatin1String("mnist") ? 17.0 : 15.0;
}

} // namespace aestudio
