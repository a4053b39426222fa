#include "ImageImport.h"

#include "AtomicFile.h"
#include "DatasetCatalog.h"
#include "DatasetStore.h"
#include "Errors.h"
#include "IdxReader.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QImageReader>
#include <QTemporaryDir>
#include <QtEndian>

#include <algorithm>
#include <cmath>

namespace aestudio {
namespace {

constexpr int kMaxClasses = 256;      // labels are one byte
constexpr int kMaxImages = 1'000'000; // ~750 MB of pixels; far beyond what the studio trains on
constexpr int kMaxSkippedExamples = 5;

struct Item {
    QString path;
    int label = 0;
};

// Every file under `root`; label -1 marks a file outside the class folders (skipped, and said so).
QList<Item> listImages(const QString &root, QStringList *classes)
{
    const QDir dir(root);
    const QStringList subdirs = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QList<Item> items;
    auto addFiles = [&](const QString &folder, int label, QDirIterator::IteratorFlags flags) {
        QStringList files;
        QDirIterator it(folder, QDir::Files | QDir::NoDotAndDotDot, flags);
        while (it.hasNext())
            files << it.next();
        files.sort(); // the same folder gives the same dataset on every machine
        for (const QString &f : std::as_const(files))
            items.append({f, label});
    };
    if (subdirs.isEmpty()) {
        addFiles(root, 0, QDirIterator::NoIteratorFlags);
        return items;
    }
    if (subdirs.size() > kMaxClasses)
        throw DatasetError(QStringLiteral("%1: %2 class folders; at most %3 are supported")
                               .arg(root)
                               .arg(subdirs.size())
                               .arg(kMaxClasses));
    *classes = subdirs;
    addFiles(root, -1, QDirIterator::NoIteratorFlags);
    for (int label = 0; label < subdirs.size(); ++label)
        addFiles(dir.filePath(subdirs[label]), label, QDirIterator::Subdirectories);
    return items;
}

QByteArray idxHeader(quint32 magic, const std::vector<quint32> &dims)
{
    QByteArray out(int(4 + 4 * dims.size()), Qt::Uninitialized);
    qToBigEndian(magic, out.data());
    for (std::size_t i = 0; i < dims.size(); ++i)
        qToBigEndian(dims[i], out.data() + 4 + 4 * i);
    return out;
}

void writeIdxPair(const QString &dir, const QString &prefix, const std::vector<std::uint8_t> &pixels,
                  const std::vector<std::uint8_t> &labels)
{
    const quint32 n = quint32(labels.size());
    AtomicFile::write(QDir(dir).filePath(prefix + QStringLiteral("-images-idx3-ubyte")),
                      {idxHeader(0x803, {n, quint32(kImageSide), quint32(kImageSide)}),
                       QByteArrayView(pixels.data(), qsizetype(pixels.size()))});
    AtomicFile::write(QDir(dir).filePath(prefix + QStringLiteral("-labels-idx1-ubyte")),
                      {idxHeader(0x801, {n}), QByteArrayView(labels.data(), qsizetype(labels.size()))});
}

ImportResult registerInPlace(const ImportOptions &o, const QString &target)
{
    ImportResult r;
    r.linked = true;
    r.directory = QFileInfo(o.imagesDir).absoluteFilePath();
    // Read the headers now, so a folder of broken files is refused instead of failing at the first run.
    const DatasetFiles files = DatasetCatalog::filesIn(r.directory);
    r.trainCount = IdxReader::readImages(files.trainImages, 0).declaredCount;
    r.testCount = IdxReader::readImages(files.testImages, 0).declaredCount;
    r.imported = r.trainCount + r.testCount;
    if (!QDir().mkpath(target))
        throw WriteError(QStringLiteral("%1: cannot create the folder").arg(target));
    DatasetManifest m;
    m.kind = QStringLiteral("linked");
    m.folder = r.directory;
    m.source = r.directory;
    m.write(target);
    return r;
}

} // namespace

QString ImportResult::summary() const
{
    if (linked)
        return QStringLiteral("registered %1 in place (%2 train, %3 test images); nothing was copied")
            .arg(directory)
            .arg(trainCount)
            .arg(testCount);
    QString s = QStringLiteral("imported %1, skipped %2").arg(imported).arg(skipped);
    if (!skippedExamples.isEmpty())
        s += QStringLiteral(" (%1%2)").arg(skippedExamples.join(QStringLiteral("; ")),
                                           skipped > skippedExamples.size() ? QStringLiteral("; ...") : QString());
    return s;
}

QImage ImageImport::toDatasetImage(const QImage &image, bool invert)
{
    if (image.isNull())
        return {};
    // Composite over the background first: a transparent pixel in a PNG is background, not ink.
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    const int background = invert ? 255 : 0;
    QImage gray(argb.size(), QImage::Format_Grayscale8);
    for (int y = 0; y < argb.height(); ++y) {
        const QRgb *src = reinterpret_cast<const QRgb *>(argb.constScanLine(y));
        uchar *dst = gray.scanLine(y);
        for (int x = 0; x < argb.width(); ++x) {
            const int a = qAlpha(src[x]);
            const int v = (qGray(src[x]) * a + background * (255 - a) + 127) / 255;
            dst[x] = uchar(invert ? 255 - v : v);
        }
    }
    const QSize fitted = gray.size().scaled(kImageSide, kImageSide, Qt::KeepAspectRatio).expandedTo(QSize(1, 1));
    const QImage scaled = gray.scaled(fitted, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    QImage out(kImageSide, kImageSide, QImage::Format_Grayscale8);
    out.fill(0);
    const int x0 = (kImageSide - scaled.width()) / 2, y0 = (kImageSide - scaled.height()) / 2;
    int lo = 255, hi = 0;
    for (int y = 0; y < scaled.height(); ++y) {
        const uchar *src = scaled.constScanLine(y);
        std::copy_n(src, scaled.width(), out.scanLine(y0 + y) + x0);
        for (int x = 0; x < scaled.width(); ++x) {
            lo = std::min<int>(lo, src[x]);
            hi = std::max<int>(hi, src[x]);
        }
    }
    // Stretch to the full 0..255 range, as MNIST's digits are; the padding stays 0. A flat image stays as it is.
    if (hi > lo) {
        for (int y = 0; y < kImageSide; ++y) {
            uchar *row = out.scanLine(y);
            const bool inside = y >= y0 && y < y0 + scaled.height();
            for (int x = 0; x < kImageSide; ++x) {
                if (!inside || x < x0 || x >= x0 + scaled.width())
                    continue;
                row[x] = uchar(std::lround((row[x] - lo) * 255.0 / (hi - lo)));
            }
        }
    }
    return out;
}

ImportResult ImageImport::run(const ImportOptions &o, const std::function<void(int, int)> &progress,
                              const std::function<bool()> &stopRequested)
{
    if (!DatasetStore::isValidName(o.name))
        throw ConfigError(QStringLiteral("dataset name '%1' must be lower-case letters, digits, '.', '_' or '-' "
                                         "(at most 64, starting with a letter or digit)")
                              .arg(o.name));
    if (DatasetCatalog::knownNames().contains(o.name)) // whether or not it is installed here
        throw ConfigError(QStringLiteral("'%1' is the name of a built-in dataset; choose another name").arg(o.name));
    if (!DatasetStore::storeFolderOf(o.name).isEmpty())
        throw ConfigError(
            QStringLiteral("a dataset named '%1' already exists; choose another name or remove it first").arg(o.name));
    if (!(o.testFraction > 0.0 && o.testFraction < 1.0))
        throw ConfigError(QStringLiteral("test fraction %1 must lie strictly between 0 and 1").arg(o.testFraction));
    if (!QFileInfo(o.imagesDir).isDir())
        throw DatasetError(QStringLiteral("%1: folder not found").arg(o.imagesDir));
    const QString target = DatasetStore::folderFor(o.name);
    if (QFileInfo::exists(target))
        throw ConfigError(QStringLiteral("%1 already exists; choose another name or remove it first").arg(target));
    const QString imagesDir = QFileInfo(o.imagesDir).absoluteFilePath();
    for (const QString &root : DatasetStore::roots()) {
        const QString rel = QDir(root).relativeFilePath(imagesDir);
        if (!rel.startsWith(QLatin1String("..")) && !QDir::isAbsolutePath(rel))
            throw ConfigError(QStringLiteral("%1 is inside the dataset store (%2); import from a folder of your own")
                                  .arg(imagesDir, root));
    }
    if (DatasetCatalog::hasIdxFiles(imagesDir))
        return registerInPlace(o, target);

    ImportResult r;
    const QList<Item> items = listImages(imagesDir, &r.classes);
    if (items.size() > kMaxImages)
        throw DatasetError(QStringLiteral("%1: %2 files; at most %3 images are imported")
                               .arg(o.imagesDir)
                               .arg(items.size())
                               .arg(kMaxImages));
    std::vector<std::uint8_t> pixels, labels;
    pixels.reserve(std::size_t(items.size()) * kPixelsPerImage);
    auto skip = [&](const QString &path, const QString &why) {
        ++r.skipped;
        if (r.skippedExamples.size() < kMaxSkippedExamples)
            r.skippedExamples << StudioError::escapeControl(
                QStringLiteral("%1: %2").arg(QDir(imagesDir).relativeFilePath(path), why));
    };
    for (int i = 0; i < items.size(); ++i) {
        if (stopRequested && stopRequested())
            throw DatasetError(QStringLiteral("import stopped; nothing was written"));
        if (progress)
            progress(i, int(items.size()));
        const QString &path = items[i].path;
        // A FIFO or device (directly or behind a symbolic link) would block the read forever.
        const QString unreadable = unreadableFileReason(path);
        if (!unreadable.isEmpty()) {
            skip(path, unreadable);
            continue;
        }
        if (items[i].label < 0) {
            skip(path, QStringLiteral("outside the class folders"));
            continue;
        }
        QImageReader reader(path);
        reader.setAutoTransform(true);
        // A camera photo is decoded straight to a small size (JPEG scales while decoding): the result is 28x28.
        const QSize size = reader.size();
        if (size.isValid() && (size.width() > 512 || size.height() > 512))
            reader.setScaledSize(size.scaled(256, 256, Qt::KeepAspectRatio).expandedTo(QSize(1, 1)));
        const QImage image = reader.read();
        if (image.isNull()) {
            skip(path,
                 size.isValid() && qint64(size.width()) * size.height() > (qint64(1) << 26)
                     ? QStringLiteral("%1x%2 pixels is too large to decode").arg(size.width()).arg(size.height())
                     : reader.errorString());
        } else {
            const QImage small = toDatasetImage(image, o.invert);
            for (int y = 0; y < kImageSide; ++y)
                pixels.insert(pixels.end(), small.constScanLine(y), small.constScanLine(y) + kImageSide);
            labels.push_back(std::uint8_t(items[i].label));
            ++r.imported;
        }
    }
    if (progress)
        progress(int(items.size()), int(items.size()));
    if (r.imported < 2)
        throw DatasetError(
            QStringLiteral("%1: %2 images could be read (need at least 2, one to train and one to test); "
                           "%3")
                .arg(o.imagesDir)
                .arg(r.imported)
                .arg(r.summary()));

    const int nTest = std::clamp(int(std::lround(r.imported * o.testFraction)), 1, r.imported - 1);
    const std::vector<int> order = seededPermutation(r.imported, o.seed);
    std::vector<std::uint8_t> split[2][2]; // [test?][pixels, labels]
    for (int k = 0; k < r.imported; ++k) {
        const int src = order[std::size_t(k)];
        auto &set = split[k < nTest ? 1 : 0];
        set[0].insert(set[0].end(), pixels.begin() + std::ptrdiff_t(src) * kPixelsPerImage,
                      pixels.begin() + std::ptrdiff_t(src + 1) * kPixelsPerImage);
        set[1].push_back(labels[std::size_t(src)]);
    }
    r.testCount = nTest;
    r.trainCount = r.imported - nTest;

    // Written into a fresh temp folder and renamed at the end, so an interrupted import never leaves a half dataset
    // under its name. Its leading '.' keeps it from ever being a dataset name, and it is new: nothing of the
    // user's is ever removed on the way.
    const QString root = DatasetStore::root();
    if (!QDir().mkpath(root))
        throw WriteError(QStringLiteral("%1: cannot create the folder").arg(root));
    QTemporaryDir temp(QDir(root).filePath(QStringLiteral(".import-XXXXXX")));
    if (!temp.isValid())
        throw WriteError(QStringLiteral("%1: cannot create a temporary folder (%2)").arg(root, temp.errorString()));
    const QString staging = temp.path();
    {
        writeIdxPair(staging, QStringLiteral("train"), split[0][0], split[0][1]);
        writeIdxPair(staging, QStringLiteral("t10k"), split[1][0], split[1][1]);
        if (!r.classes.isEmpty()) {
            QStringList lines; // one name per line, so a folder name holding a newline is escaped
            for (const QString &c : std::as_const(r.classes))
                lines << StudioError::escapeControl(c);
            AtomicFile::write(QDir(staging).filePath(QStringLiteral("classes.txt")),
                              (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        }
        DatasetManifest m;
        m.kind = QStringLiteral("imported");
        m.source = imagesDir;
        m.write(staging);
        if (!QDir().rename(staging, target))
            throw WriteError(QStringLiteral("%1: cannot rename into place").arg(target));
        temp.setAutoRemove(false); // it is the dataset now
    }
    r.directory = target;
    return r;
}

} // namespace aestudio
