#include "DatasetCatalog.h"

#include "Errors.h"
#include "IdxReader.h"
#include "TrainingConfig.h"
#include "datasets/DatasetSources.h"
#include "datasets/DatasetStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace aestudio {
namespace {

const char *const kStems[4]
    = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

QString findStem(const QDir &dir, const char *stem)
{
    for (const QString &name : {QString::fromLatin1(stem), QString::fromLatin1(stem) + QStringLiteral(".gz")}) {
        if (QFileInfo(dir.filePath(name)).isFile())
            return dir.filePath(name);
    }
    return {};
}

// maxItems < 0 reads both files whole; otherwise only their first maxItems items are inflated, and the two headers
// must still agree on the full count.
ImageSet loadPair(const QString &imagesPath, const QString &labelsPath, std::int64_t maxItems = -1)
{
    IdxImages images = IdxReader::readImages(imagesPath, maxItems);
    ImageSet set;
    std::int64_t declaredLabels = 0;
    set.labels = IdxReader::readLabels(labelsPath, maxItems, &declaredLabels);
    if (declaredLabels != images.declaredCount)
        throw DatasetError(QStringLiteral("%1: %2 images but %3 has %4 labels")
                               .arg(imagesPath)
                               .arg(images.declaredCount)
                               .arg(labelsPath)
                               .arg(declaredLabels));
    set.pixels = std::move(images.pixels);
    return set;
}

ImageSet gather(const ImageSet &from, const int *indices, int count)
{
    ImageSet out;
    out.pixels.resize(std::size_t(count) * kPixelsPerImage);
    out.labels.resize(std::size_t(count));
    for (int i = 0; i < count; ++i) {
        std::copy_n(from.image(indices[i]), kPixelsPerImage, out.pixels.data() + std::size_t(i) * kPixelsPerImage);
        out.labels[std::size_t(i)] = from.labels[std::size_t(indices[i])];
    }
    return out;
}

} // namespace

std::vector<int> seededPermutation(int n, std::uint64_t seed)
{
    std::vector<int> order(std::size_t(std::max(n, 0)));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    // Explicit Fisher-Yates: std::shuffle's algorithm is implementation-defined, this is reproducible everywhere.
    for (int i = n - 1; i > 0; --i) {
        const int j = int(rng() % std::uint64_t(i + 1));
        std::swap(order[std::size_t(i)], order[std::size_t(j)]);
    }
    return order;
}

bool DatasetCatalog::hasIdxFiles(const QString &directory)
{
    if (directory.isEmpty())
        return false;
    const QDir dir(directory);
    return std::all_of(std::begin(kStems), std::end(kStems),
                       [&](const char *s) { return !findStem(dir, s).isEmpty(); });
}

QStringList DatasetCatalog::knownNames()
{
    QStringList names;
    for (const DatasetSource &s : DatasetSources::all())
        names << s.name;
    return names;
}

QStringList DatasetCatalog::availableNames()
{
    QStringList names = knownNames();
    for (const QString &n : DatasetStore::storedNames())
        if (!names.contains(n))
            names << n;
    return names;
}

QStringList DatasetCatalog::searchDirectories(const QString &name)
{
    QStringList dirs;
    for (const QString &root : DatasetStore::roots())
        dirs << QDir(root).filePath(name);
    if (name == QLatin1String("fashion-mnist"))
        dirs << QStringLiteral("/usr/share/datasets/fashion-mnist");
    return dirs;
}

DatasetLocation DatasetCatalog::locate(const QString &nameOrPath)
{
    DatasetLocation loc;
    loc.name = nameOrPath;
    // A name first (known, or imported into the store), so "digits" means the imported dataset even when the
    // working directory happens to hold a folder of that name; anything else is a path.
    if (knownNames().contains(nameOrPath) || !DatasetStore::storeFolderOf(nameOrPath).isEmpty()) {
        loc.searched = searchDirectories(nameOrPath);
        for (const QString &dir : std::as_const(loc.searched)) {
            const QString data = DatasetStore::dataFolderOf(dir);
            if (!data.isEmpty()) {
                loc.directory = data;
                break;
            }
        }
        return loc;
    }
    loc.searched = {nameOrPath};
    loc.isPath = true;
    if (QFileInfo(nameOrPath).isDir() && hasIdxFiles(nameOrPath))
        loc.directory = QFileInfo(nameOrPath).absoluteFilePath();
    return loc;
}

QStringList DatasetCatalog::classNames(const QString &nameOrPath)
{
    if (const DatasetSource *source = DatasetSources::find(nameOrPath))
        return source->classes;
    const DatasetLocation loc = locate(nameOrPath);
    QStringList folders{loc.directory};
    const QString store = DatasetStore::storeFolderOf(nameOrPath);
    if (!store.isEmpty())
        folders << store;
    for (const QString &folder : folders) {
        QFile file(QDir(folder).filePath(QStringLiteral("classes.txt")));
        if (folder.isEmpty() || !QFileInfo(file.fileName()).isFile() || file.size() > (1 << 20)
            || !file.open(QIODevice::ReadOnly))
            continue;
        QStringList names = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
        while (!names.isEmpty() && names.last().trimmed().isEmpty())
            names.removeLast();
        for (QString &n : names)
            n = n.trimmed();
        return names;
    }
    return {};
}

DatasetFiles DatasetCatalog::filesIn(const QString &directory)
{
    const QDir dir(directory);
    if (!dir.exists())
        throw DatasetError(QStringLiteral("%1: folder not found").arg(directory));
    QString found[4];
    for (int i = 0; i < 4; ++i) {
        found[i] = findStem(dir, kStems[i]);
        if (found[i].isEmpty())
            throw DatasetError(QStringLiteral("%1: missing %2 (or %2.gz)").arg(directory, QLatin1String(kStems[i])));
    }
    return {found[0], found[1], found[2], found[3]};
}

DatasetSplit DatasetCatalog::load(const QString &nameOrPath, const SplitOptions &options)
{
    if (!(options.validationFraction > 0.0 && options.validationFraction < 1.0))
        throw ConfigError(
            QStringLiteral("validation fraction %1 must lie strictly between 0 and 1").arg(options.validationFraction));
    const DatasetLocation loc = locate(nameOrPath);
    if (!loc.found()) {
        if (loc.isPath)
            filesIn(nameOrPath); // throws the precise reason: no folder, or which file is missing
        throw DatasetError(QStringLiteral("dataset %1 not found (looked in %2); get it with: aestudio-cli download %1")
                               .arg(nameOrPath, loc.searched.join(QStringLiteral(", "))));
    }
    DatasetSplit split;
    split.name = loc.isPath ? QFileInfo(loc.directory).fileName() : nameOrPath;
    split.source = nameOrPath;
    split.options = options;
    split.files = filesIn(loc.directory);
    ImageSet official = loadPair(split.files.trainImages, split.files.trainLabels,
                                 options.limit > 0 ? std::int64_t(options.limit) : -1);
    split.test = loadPair(split.files.testImages, split.files.testLabels);

    const int pool = official.count(); // loadPair read no more than the limit
    const int nVal = int(std::lround(pool * options.validationFraction));
    if (nVal < 1 || pool - nVal < 1)
        throw DatasetError(QStringLiteral("%1: %2 training images are too few to split into train and validation")
                               .arg(loc.directory)
                               .arg(pool));
    const std::vector<int> perm = seededPermutation(pool, options.seed);
    split.validation = gather(official, perm.data(), nVal);
    split.train = gather(official, perm.data() + nVal, pool - nVal);
    return split;
}

SplitOptions SplitOptions::of(const TrainingConfig &config)
{
    return SplitOptions{config.validationFraction, config.seed, config.limit};
}

QString DatasetSplit::mismatch(const TrainingConfig &config) const
{
    if (source == config.dataset && options == SplitOptions::of(config))
        return {};
    return QStringLiteral("the loaded data (%1, validation %2, seed %3, limit %4) is not the split this run's settings "
                          "ask for (%5, validation %6, seed %7, limit %8)")
        .arg(source)
        .arg(options.validationFraction)
        .arg(options.seed)
        .arg(options.limit)
        .arg(config.dataset)
        .arg(config.validationFraction)
        .arg(config.seed)
        .arg(config.limit);
}

DatasetSplit DatasetCatalog::load(const TrainingConfig &config)
{
    return load(config.dataset, SplitOptions::of(config));
}

QString DatasetCatalog::sha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw DatasetError(QStringLiteral("%1: cannot open for hashing").arg(path));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace aestudio
