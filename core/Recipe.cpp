#include "Recipe.h"

#include "AtomicFile.h"
#include "Errors.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStandardPaths>

#include <cmath>

namespace aestudio {
namespace {

constexpr qint64 kMaxRecipeBytes = 64 * 1024;
const QString kSubfolder = QStringLiteral("aestudio/recipes");

enum class Kind { Text, Number, Whole, WholeList, Seed };

// Every key a recipe may hold, with its JSON type. Anything else is refused, so a typo cannot pass silently.
const QHash<QString, Kind> &knownKeys()
{
    static const QHash<QString, Kind> keys{
        {QStringLiteral("name"), Kind::Text},
        {QStringLiteral("description"), Kind::Text},
        {QStringLiteral("dataset"), Kind::Text},
        {QStringLiteral("hidden"), Kind::WholeList},
        {QStringLiteral("latent"), Kind::Whole},
        {QStringLiteral("dropout"), Kind::Number},
        {QStringLiteral("noise_type"), Kind::Text},
        {QStringLiteral("noise"), Kind::Number},
        {QStringLiteral("weight_decay"), Kind::Number},
        {QStringLiteral("epochs"), Kind::Whole},
        {QStringLiteral("batch_size"), Kind::Whole},
        {QStringLiteral("lr"), Kind::Number},
        {QStringLiteral("lr_schedule"), Kind::Text},
        {QStringLiteral("seed"), Kind::Seed},
        {QStringLiteral("limit"), Kind::Whole},
        {QStringLiteral("threads"), Kind::Whole},
        {QStringLiteral("validation_fraction"), Kind::Number},
        {QStringLiteral("patience"), Kind::Whole},
        {QStringLiteral("device"), Kind::Text},
    };
    return keys;
}

bool isWhole(const QJsonValue &v)
{
    return v.isDouble() && std::isfinite(v.toDouble()) && std::floor(v.toDouble()) == v.toDouble()
        && std::abs(v.toDouble()) < 1e9;
}

QString typeProblem(Kind kind, const QJsonValue &v)
{
    switch (kind) {
    case Kind::Text:
        return v.isString() ? QString() : QStringLiteral("must be text");
    case Kind::Number:
        return v.isDouble() && std::isfinite(v.toDouble()) ? QString() : QStringLiteral("must be a number");
    case Kind::Whole:
        return isWhole(v) ? QString() : QStringLiteral("must be a whole number");
    case Kind::WholeList: {
        const QJsonArray a = v.toArray();
        const bool ok = v.isArray() && !a.isEmpty() && a.size() <= 16
            && std::all_of(a.begin(), a.end(), [](const QJsonValue &x) { return isWhole(x); });
        return ok ? QString() : QStringLiteral("must be a list of layer widths, e.g. [256, 128]");
    }
    case Kind::Seed: // a string, or a whole JSON number up to 2^53 (doubles are exact that far)
        return v.isString()
                || (v.isDouble() && v.toDouble() >= 0 && v.toDouble() <= 9007199254740992.0
                    && std::floor(v.toDouble()) == v.toDouble())
            ? QString()
            : QStringLiteral("must be a non-negative integer");
    }
    return {};
}

} // namespace

TrainingConfig Recipe::load(const QString &path, Info *info)
{
    auto fail = [&](const QString &why) { return ConfigError(QStringLiteral("%1: %2").arg(path, why)); };
    const QString problem = unreadableFileReason(path);
    if (!problem.isEmpty())
        throw fail(problem);
    QFile file(path);
    if (file.size() > kMaxRecipeBytes)
        throw fail(QStringLiteral("%1 bytes is too large for a recipe (at most 64 KB)").arg(file.size()));
    if (!file.open(QIODevice::ReadOnly))
        throw fail(QStringLiteral("cannot open (%1)").arg(file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(kMaxRecipeBytes + 1), &error);
    if (!doc.isObject())
        throw fail(error.error != QJsonParseError::NoError
                       ? QStringLiteral("not JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset)
                       : QStringLiteral("a recipe is a JSON object of settings"));
    QJsonObject json = doc.object();
    for (auto it = json.begin(); it != json.end(); ++it) {
        const auto known = knownKeys().constFind(it.key());
        if (known == knownKeys().constEnd())
            throw fail(QStringLiteral("unknown setting '%1' (known: %2)")
                           .arg(it.key().left(40), QStringList(knownKeys().keys()).join(QStringLiteral(", "))));
        const QString why = typeProblem(*known, it.value());
        if (!why.isEmpty())
            throw fail(QStringLiteral("'%1' %2").arg(it.key(), why));
    }
    if (json.value(QStringLiteral("seed")).isDouble())
        json.insert(QStringLiteral("seed"), QString::number(qint64(json.value(QStringLiteral("seed")).toDouble())));
    TrainingConfig config;
    try {
        config = TrainingConfig::fromJson(json);
    } catch (const ConfigError &e) {
        throw fail(e.message());
    }
    if (info) {
        info->path = path;
        info->name = json.value(QStringLiteral("name")).toString(QFileInfo(path).completeBaseName());
        info->description = json.value(QStringLiteral("description")).toString();
    }
    return config;
}

void Recipe::save(const TrainingConfig &config, const QString &path, const QString &name, const QString &description)
{
    QJsonObject json = config.toJson();
    json.remove(QStringLiteral("threads")); // the machine's, not the recipe's
    json.remove(QStringLiteral("device"));
    if (!name.isEmpty())
        json.insert(QStringLiteral("name"), name);
    if (!description.isEmpty())
        json.insert(QStringLiteral("description"), description);
    AtomicFile::write(path, QJsonDocument(json).toJson(QJsonDocument::Indented));
}

QString Recipe::userFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)).filePath(kSubfolder);
}

QStringList Recipe::folders()
{
    QStringList candidates{userFolder()};
    // Installed: <prefix>/bin/aestudio → <prefix>/share/aestudio/recipes.
    candidates
        << QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/") + kSubfolder);
    candidates << QStandardPaths::locateAll(QStandardPaths::GenericDataLocation, kSubfolder,
                                            QStandardPaths::LocateDirectory);
#ifdef AESTUDIO_SOURCE_RECIPES
    candidates << QStringLiteral(AESTUDIO_SOURCE_RECIPES); // a build tree: the recipes beside the sources
#endif
    QStringList out;
    for (const QString &c : candidates) {
        const QString canonical = QFileInfo(c).canonicalFilePath();
        if (!canonical.isEmpty() && QFileInfo(canonical).isDir() && !out.contains(canonical))
            out << canonical;
    }
    return out;
}

QVector<Recipe::Info> Recipe::installed()
{
    QVector<Info> out;
    QSet<QString> seen;
    for (const QString &folder : folders()) {
        const QFileInfoList files
            = QDir(folder).entryInfoList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable, QDir::Name);
        for (const QFileInfo &f : files) {
            if (seen.contains(f.fileName()))
                continue;
            try {
                Info info;
                load(f.absoluteFilePath(), &info);
                seen.insert(f.fileName());
                out << info;
            } catch (const StudioError &) {
                // Listed nowhere: opening it by hand gives the reason.
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const Info &a, const Info &b) { return a.name < b.name; });
    return out;
}

} // namespace aestudio
