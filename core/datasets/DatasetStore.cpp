#include "DatasetStore.h"

#include "AtomicFile.h"
#include "DatasetCatalog.h"
#include "DatasetSources.h"
#include "Errors.h"
#include "IdxReader.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace aestudio {
namespace {

const QString kManifest = QStringLiteral("dataset.json");
// Debian's dataset-fashion-mnist recompressed the .gz files, so torchvision's sums do not apply to them; dpkg keeps
// the package's own.
const QString kDebianFashionDir = QStringLiteral("/usr/share/datasets/fashion-mnist");
const QString kDebianFashionSums = QStringLiteral("/var/lib/dpkg/info/dataset-fashion-mnist.md5sums");

QString xdgRoot()
{
    QString xdg = qEnvironmentVariable("XDG_DATA_HOME");
    if (xdg.isEmpty())
        xdg = QDir::home().filePath(QStringLiteral(".local/share"));
    return QDir(xdg).filePath(QStringLiteral("aestudio/datasets"));
}

// The sums a dataset's files should have: what it was stored with, else the package's or the built-in ones.
QMap<QString, QByteArray> expectedSums(const QString &name, const QString &directory, const DatasetManifest &manifest)
{
    if (!manifest.md5.isEmpty())
        return manifest.md5;
    if (QDir(directory) == QDir(kDebianFashionDir) && QFileInfo(kDebianFashionSums).isFile()) {
        QMap<QString, QByteArray> sums;
        try {
            const auto all = DatasetSources::readMd5SumsFile(kDebianFashionSums);
            for (auto it = all.begin(); it != all.end(); ++it)
                if (it.key().startsWith(QStringLiteral("usr/share/datasets/fashion-mnist/")))
                    sums.insert(QFileInfo(it.key()).fileName(), it.value());
        } catch (const StudioError &) {
        }
        return sums;
    }
    QMap<QString, QByteArray> sums;
    if (const DatasetSource *source = DatasetSources::find(name))
        for (const RemoteFile &f : source->files)
            sums.insert(f.name, f.md5);
    return sums;
}

} // namespace

DatasetManifest DatasetManifest::read(const QString &storeFolder)
{
    DatasetManifest m;
    QFile file(QDir(storeFolder).filePath(kManifest));
    if (!QFileInfo(file.fileName()).isFile() || file.size() > (1 << 20) || !file.open(QIODevice::ReadOnly))
        return m;
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    const QString kind = o.value(QStringLiteral("kind")).toString();
    if (kind != QLatin1String("downloaded") && kind != QLatin1String("imported") && kind != QLatin1String("linked"))
        return m;
    m.kind = kind;
    m.folder = o.value(QStringLiteral("folder")).toString();
    m.source = o.value(QStringLiteral("source")).toString();
    m.created = o.value(QStringLiteral("created")).toString();
    const QJsonObject sums = o.value(QStringLiteral("md5")).toObject();
    for (auto it = sums.begin(); it != sums.end(); ++it)
        m.md5.insert(it.key(), it.value().toString().toLatin1());
    return m;
}

void DatasetManifest::write(const QString &storeFolder) const
{
    QJsonObject sums;
    for (auto it = md5.begin(); it != md5.end(); ++it)
        sums.insert(it.key(), QString::fromLatin1(it.value()));
    QJsonObject o{
        {QStringLiteral("kind"), kind},
        {QStringLiteral("source"), source},
        {QStringLiteral("md5"), sums},
        {QStringLiteral("created"), created.isEmpty() ? QDateTime::currentDateTime().toString(Qt::ISODate) : created}};
    if (!folder.isEmpty())
        o.insert(QStringLiteral("folder"), folder);
    AtomicFile::writeJson(QDir(storeFolder).filePath(kManifest), o);
}

QString DatasetStore::root()
{
    const QString env = qEnvironmentVariable("AESTUDIO_DATA_DIR");
    return env.isEmpty() ? xdgRoot() : env;
}

QStringList DatasetStore::roots()
{
    QStringList r;
    const QString env = qEnvironmentVariable("AESTUDIO_DATA_DIR");
    if (!env.isEmpty())
        r << env;
    r << xdgRoot();
    return r;
}

QString DatasetStore::folderFor(const QString &name)
{
    return QDir(root()).filePath(name);
}

bool DatasetStore::isValidName(const QString &name)
{
    // Anchored at the very end: '$' alone would also accept a name ending in a newline.
    static const QRegularExpression re(
        QRegularExpression::anchoredPattern(QStringLiteral("[a-z0-9][a-z0-9._-]{0,63}")));
    return re.match(name).hasMatch();
}

QStringList DatasetStore::storedNames()
{
    QStringList names;
    for (const QString &r : roots()) {
        const QStringList dirs = QDir(r).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString &d : dirs) {
            const QString folder = QDir(r).filePath(d);
            if (isValidName(d) && !names.contains(d) && !dataFolderOf(folder).isEmpty())
                names << d;
        }
    }
    names.sort();
    return names;
}

QString DatasetStore::storeFolderOf(const QString &name)
{
    if (!isValidName(name))
        return {};
    for (const QString &r : roots()) {
        const QString folder = QDir(r).filePath(name);
        if (!dataFolderOf(folder).isEmpty())
            return folder;
    }
    return {};
}

QString DatasetStore::dataFolderOf(const QString &storeFolder)
{
    if (!QFileInfo(storeFolder).isDir())
        return {};
    if (DatasetCatalog::hasIdxFiles(storeFolder))
        return storeFolder;
    const DatasetManifest m = DatasetManifest::read(storeFolder);
    if (m.kind == QLatin1String("linked") && DatasetCatalog::hasIdxFiles(m.folder))
        return m.folder;
    return {};
}

DatasetSummary DatasetStore::summarize(const QString &name)
{
    DatasetSummary s;
    s.name = name;
    s.title = DatasetSources::titleOf(name);
    const DatasetLocation loc = DatasetCatalog::locate(name);
    s.directory = loc.directory;
    s.storeFolder = storeFolderOf(name);
    const DatasetManifest manifest = s.storeFolder.isEmpty() ? DatasetManifest{} : DatasetManifest::read(s.storeFolder);
    if (!loc.found())
        s.kind = QStringLiteral("missing");
    else if (!manifest.kind.isEmpty())
        s.kind = manifest.kind;
    else if (QDir(loc.directory) == QDir(kDebianFashionDir))
        s.kind = QStringLiteral("system package");
    else
        s.kind = QStringLiteral("found");
    // A folder placed by hand under the store root is the user's, not ours to delete.
    if (manifest.kind.isEmpty())
        s.storeFolder.clear();
    s.classes = DatasetCatalog::classNames(name);
    if (!loc.found())
        return s;
    if (manifest.kind == QLatin1String("downloaded"))
        s.checksums = QStringLiteral("MD5 of all four files verified when downloaded (%1)").arg(manifest.created);
    else if (manifest.kind == QLatin1String("imported"))
        s.checksums = QStringLiteral("made here from %1; no outside checksum").arg(manifest.source);
    else if (expectedSums(name, loc.directory, manifest).isEmpty())
        s.checksums = QStringLiteral("no checksums on record");
    else
        s.checksums = QStringLiteral("checksums on record, not checked yet");
    try {
        const DatasetFiles files = DatasetCatalog::filesIn(loc.directory);
        s.trainCount = IdxReader::readImages(files.trainImages, 0).declaredCount;
        s.testCount = IdxReader::readImages(files.testImages, 0).declaredCount;
    } catch (const StudioError &e) {
        s.problem = e.message();
    }
    return s;
}

QImage DatasetStore::mosaic(const QString &directory, int side)
{
    try {
        const DatasetFiles files = DatasetCatalog::filesIn(directory);
        const IdxImages images = IdxReader::readImages(files.trainImages, std::int64_t(side) * side);
        QImage out(side * kImageSide, side * kImageSide, QImage::Format_Grayscale8);
        out.fill(0);
        for (int i = 0; i < images.count; ++i) {
            const int x0 = (i % side) * kImageSide, y0 = (i / side) * kImageSide;
            for (int y = 0; y < kImageSide; ++y)
                std::copy_n(images.pixels.data() + std::size_t(i) * kPixelsPerImage + std::size_t(y) * kImageSide,
                            kImageSide, out.scanLine(y0 + y) + x0);
        }
        return out;
    } catch (const StudioError &) {
        return {};
    }
}

VerifyReport DatasetStore::verify(const QString &name)
{
    VerifyReport report;
    const DatasetLocation loc = DatasetCatalog::locate(name);
    if (!loc.found()) {
        report.lines
            << QStringLiteral("%1 was not found (looked in %2)").arg(name, loc.searched.join(QStringLiteral(", ")));
        return report;
    }
    const QString store = storeFolderOf(name);
    const DatasetManifest manifest = store.isEmpty() ? DatasetManifest{} : DatasetManifest::read(store);
    const QMap<QString, QByteArray> sums = expectedSums(name, loc.directory, manifest);
    report.ok = true;
    for (const QString &path : DatasetCatalog::filesIn(loc.directory).all()) {
        const QString file = QFileInfo(path).fileName();
        QByteArray actual;
        try {
            actual = md5Of(path);
        } catch (const StudioError &e) {
            report.ok = false;
            report.lines << e.message();
            continue;
        }
        const auto expected = sums.constFind(file);
        if (expected == sums.constEnd()) {
            // Files made here (imports) carry no outside checksum; reading them whole is the check.
            report.lines << QStringLiteral("%1: md5 %2, no checksum on record").arg(file, QString::fromLatin1(actual));
            report.ok = false;
        } else if (*expected == actual) {
            report.lines << QStringLiteral("%1: md5 %2 ok").arg(file, QString::fromLatin1(actual));
        } else {
            report.lines << QStringLiteral("%1: md5 %2, expected %3 (the file changed or is damaged)")
                                .arg(file, QString::fromLatin1(actual), QString::fromLatin1(*expected));
            report.ok = false;
        }
    }
    return report;
}

void DatasetStore::remove(const QString &name)
{
    const QString store = storeFolderOf(name);
    const DatasetManifest manifest = store.isEmpty() ? DatasetManifest{} : DatasetManifest::read(store);
    if (manifest.kind.isEmpty())
        throw DatasetError(
            QStringLiteral("%1 was not downloaded or imported by the studio; remove its files by hand").arg(name));
    if (manifest.kind == QLatin1String("linked")) {
        // Only the registration: the IDX files belong to the folder the user pointed at.
        if (!QFile::remove(QDir(store).filePath(kManifest)) || !QDir().rmdir(store))
            throw DatasetError(QStringLiteral("%1: could not remove the registration").arg(store));
        return;
    }
    if (!QDir(store).removeRecursively())
        throw DatasetError(QStringLiteral("%1: could not remove every file").arg(store));
}

QByteArray DatasetStore::md5Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw DatasetError(QStringLiteral("%1: %2").arg(path, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Md5);
    if (!hash.addData(&file))
        throw DatasetError(QStringLiteral("%1: read error while hashing").arg(path));
    return hash.result().toHex();
}

} // namespace aestudio
