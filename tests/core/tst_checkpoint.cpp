// Checkpoints as an attacker and an unlucky user meet them: the file is a plain safetensors container that other
// tools can read; every crafted header (names, dtypes, shapes, offsets, a giant architecture, an old TorchScript
// version) is refused with one line naming the file before anything large is allocated; special files are named
// for what they are; and a full disk never leaves a truncated file under a real name.
#include "AtomicFile.h"
#include "Checkpoint.h"
#include "DatasetCatalog.h"
#include "Errors.h"
#include "InferenceModel.h"
#include "Trainer.h"

#include "TinyIdx.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <functional>

#include <zlib.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace aestudio;
using namespace aestudio::testing;

namespace {

struct NullObserver : TrainingObserver {
    void batchProgress(const BatchProgress &) override { }
    void epochFinished(const EpochMetrics &) override { }
    void trainingFinished(const TrainingSummary &) override { }
};

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A checkpoint file taken apart: the JSON tensor table and the tensor bytes, put back together by `bytes()`.
struct Parts {
    QJsonObject table;
    QByteArray data;
    explicit Parts(const QByteArray &file)
    {
        const qint64 n = qFromLittleEndian<quint64>(file.constData());
        table = QJsonDocument::fromJson(file.mid(8, n)).object();
        data = file.mid(8 + n);
    }
    QJsonObject info() const
    {
        return QJsonDocument::fromJson(
                   table[QStringLiteral("__metadata__")].toObject()[QStringLiteral("aestudio")].toString().toUtf8())
            .object();
    }
    void setInfo(const QJsonObject &info)
    {
        QJsonObject meta = table[QStringLiteral("__metadata__")].toObject();
        meta[QStringLiteral("aestudio")] = QString::fromUtf8(QJsonDocument(info).toJson(QJsonDocument::Compact));
        table[QStringLiteral("__metadata__")] = meta;
    }
    void setMeta(const QString &key, const QString &value)
    {
        QJsonObject meta = table[QStringLiteral("__metadata__")].toObject();
        meta[key] = value;
        table[QStringLiteral("__metadata__")] = meta;
    }
    void editTensor(const QString &name, const std::function<void(QJsonObject &)> &edit)
    {
        QJsonObject t = table[name].toObject();
        edit(t);
        table[name] = t;
    }
    QByteArray bytes() const
    {
        const QByteArray json = QJsonDocument(table).toJson(QJsonDocument::Compact);
        QByteArray out(8, '\0');
        qToLittleEndian<quint64>(quint64(json.size()), out.data());
        return out + json + data;
    }
};

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void isAPlainSafetensorsFile();
    void craftedFilesAreRefused_data();
    void craftedFilesAreRefused();
    void giantArchitectureIsRefusedAtOnce();
    void specialFilesSayWhatTheyAre();
    void nonFiniteWeightsAreNeverSaved();
    void fullDiskKeepsTheOldFile();
    void resumeFromWeightsOnlyIsRefused();
    void errorsAreOneReadableLine();
    void snapshotsRoundTripAndResume();
    void version2CheckpointsStillOpen();

private:
    TrainingConfig config(int epochs) const;
    QString goodCheckpoint();
    QTemporaryDir m_dir;
    std::shared_ptr<const DatasetSplit> m_data;
    QString m_good;
};

void TestCheckpoint::initTestCase()
{
    writeDataset(m_dir.filePath(QStringLiteral("data")), 240, 32, true);
    m_data = std::make_shared<const DatasetSplit>(
        DatasetCatalog::load(m_dir.filePath(QStringLiteral("data")), SplitOptions{1.0 / 6.0, 0, 0}));
}

TrainingConfig TestCheckpoint::config(int epochs) const
{
    TrainingConfig c;
    c.dataset = m_dir.filePath(QStringLiteral("data"));
    c.epochs = epochs;
    c.batchSize = 32;
    c.threads = 1;
    c.device = QStringLiteral("cpu");
    return c;
}

QString TestCheckpoint::goodCheckpoint()
{
    if (m_good.isEmpty()) {
        Trainer trainer(config(1), m_data);
        NullObserver observer;
        RunControl control;
        trainer.run(observer, control);
        m_good = m_dir.filePath(QStringLiteral("good.aes"));
        trainer.saveCheckpoint(m_good);
    }
    return m_good;
}

void TestCheckpoint::isAPlainSafetensorsFile()
{
    // Read with nothing of ours: the safetensors rules (u64 length, JSON table, F32 tensors tiling the data).
    const QByteArray file = readAll(goodCheckpoint());
    QVERIFY(file.size() > 8);
    const qint64 n = qFromLittleEndian<quint64>(file.constData());
    QCOMPARE(n % 8, 0); // padded, as the reference writer does
    const QJsonObject table = QJsonDocument::fromJson(file.mid(8, n)).object();
    QVERIFY(!table.isEmpty());
    const qint64 dataSize = file.size() - 8 - n;
    QVector<QPair<qint64, qint64>> ranges;
    for (auto it = table.begin(); it != table.end(); ++it) {
        if (it.key() == QLatin1String("__metadata__"))
            continue;
        const QJsonObject t = it.value().toObject();
        // Weights are float32; the probe snapshots (format version 3) are 8-bit pixels.
        const bool snapshots = it.key() == QLatin1String("snapshots.probes");
        QCOMPARE(t[QStringLiteral("dtype")].toString(), snapshots ? QStringLiteral("U8") : QStringLiteral("F32"));
        qint64 elements = 1;
        for (const auto &d : t[QStringLiteral("shape")].toArray())
            elements *= qint64(d.toDouble());
        const QJsonArray off = t[QStringLiteral("data_offsets")].toArray();
        QCOMPARE(qint64(off[1].toDouble()) - qint64(off[0].toDouble()), elements * (snapshots ? 1 : 4));
        ranges.append({qint64(off[0].toDouble()), qint64(off[1].toDouble())});
    }
    std::sort(ranges.begin(), ranges.end());
    qint64 next = 0;
    for (const auto &r : ranges) {
        QCOMPARE(r.first, next);
        next = r.second;
    }
    QCOMPARE(next, dataSize);
    // Weights, Adam's two moments and the best epoch's weights (3-layer model = 6 Linear layers, 12 tensors each),
    // and one epoch's probe grids: 3 rows of 16 images, under 40 KB.
    QCOMPARE(ranges.size(), 12 + 2 + 12 + 1);
    const QJsonObject w = table[QStringLiteral("model.encoder.0.weight")].toObject();
    QCOMPARE(w[QStringLiteral("shape")].toArray(), (QJsonArray{256, 784}));
    const QJsonObject snaps = table[QStringLiteral("snapshots.probes")].toObject();
    QCOMPARE(snaps[QStringLiteral("shape")].toArray(), (QJsonArray{1, 3, 16, 784}));
    QVERIFY(3 * 16 * 784 < 40 * 1024);
    const QJsonObject meta = table[QStringLiteral("__metadata__")].toObject();
    QCOMPARE(meta[QStringLiteral("format_version")].toString(), QStringLiteral("3"));
}

void TestCheckpoint::craftedFilesAreRefused_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QString>("expected");
    QTest::addRow("truncated") << "truncate"
                               << "truncated";
    QTest::addRow("flipped weight byte") << "flip"
                                         << "checksum";
    QTest::addRow("not a checkpoint") << "garbage"
                                      << "not an Autoencoder Studio checkpoint";
    QTest::addRow("empty") << "empty"
                           << "not an Autoencoder Studio checkpoint";
    QTest::addRow("version 1 TorchScript") << "v1"
                                           << "format version 1";
    QTest::addRow("future version") << "version"
                                    << "format version 7";
    QTest::addRow("trailing bytes") << "append"
                                    << "after the last tensor";
    QTest::addRow("header length past the end") << "length"
                                                << "truncated header";
    QTest::addRow("foreign safetensors") << "foreign"
                                         << "not an Autoencoder Studio checkpoint";
    QTest::addRow("renamed tensor") << "rename"
                                    << "invalid tensor name";
    QTest::addRow("unexpected tensor") << "extra"
                                       << "missing";
    QTest::addRow("float64 dtype") << "dtype"
                                   << "dtype 'F64'";
    QTest::addRow("wrong shape") << "shape"
                                 << "wrong shape";
    QTest::addRow("shape disagrees with bytes") << "shapebytes"
                                                << "its shape needs";
    QTest::addRow("offsets beyond the file") << "offsets"
                                             << "outside the file";
    QTest::addRow("overlapping tensors") << "overlap"
                                         << "overlaps";
    QTest::addRow("metadata not strings") << "metanum"
                                          << "not a string";
    QTest::addRow("architecture disagrees") << "arch"
                                            << "disagrees";
    QTest::addRow("missing") << "missing"
                             << "file not found";
    QTest::addRow("snapshot epochs out of order") << "snaporder"
                                                  << "snapshot epochs";
    QTest::addRow("snapshot image count zero") << "snapcount"
                                               << "snapshot image count";
    QTest::addRow("snapshot block as float") << "snapdtype"
                                             << "wrong dtype";
    QTest::addRow("snapshots in a version 2 header") << "snapv2"
                                                     << "cannot hold snapshots";
}

void TestCheckpoint::craftedFilesAreRefused()
{
    QFETCH(QString, fault);
    QFETCH(QString, expected);
    const QByteArray good = readAll(goodCheckpoint());
    QByteArray bytes = good;
    Parts parts(good);
    auto offsets = [](qint64 a, qint64 b) { return QJsonArray{double(a), double(b)}; };
    if (fault == QLatin1String("truncate")) {
        bytes.chop(bytes.size() / 3);
    } else if (fault == QLatin1String("flip")) {
        bytes[bytes.size() - 200] = char(bytes[bytes.size() - 200] ^ 0x40);
    } else if (fault == QLatin1String("garbage")) {
        bytes = QByteArray(4096, 'z');
    } else if (fault == QLatin1String("empty")) {
        bytes.clear();
    } else if (fault == QLatin1String("v1")) {
        bytes = QByteArrayLiteral("AESCKPT\n\x01\0\0\0") + QByteArray(64, 'x');
    } else if (fault == QLatin1String("version")) {
        parts.setMeta(QStringLiteral("format_version"), QStringLiteral("7"));
        bytes = parts.bytes();
    } else if (fault == QLatin1String("append")) {
        bytes += "tail";
    } else if (fault == QLatin1String("length")) {
        qToLittleEndian<quint64>(quint64(good.size()), bytes.data());
    } else if (fault == QLatin1String("foreign")) {
        parts.table.remove(QStringLiteral("__metadata__"));
        bytes = parts.bytes();
    } else if (fault == QLatin1String("rename")) {
        parts.table[QStringLiteral("model.encoder.0.we\x01ght")]
            = parts.table.take(QStringLiteral("model.encoder.0.weight"));
        bytes = parts.bytes();
    } else if (fault == QLatin1String("extra")) {
        parts.table[QStringLiteral("model.encoder.0.evil")]
            = parts.table.take(QStringLiteral("model.encoder.0.weight"));
        bytes = parts.bytes();
    } else if (fault == QLatin1String("dtype")) {
        parts.editTensor(QStringLiteral("model.encoder.0.bias"),
                         [](QJsonObject &t) { t[QStringLiteral("dtype")] = QStringLiteral("F64"); });
        bytes = parts.bytes();
    } else if (fault == QLatin1String("shape")) {
        parts.editTensor(QStringLiteral("model.encoder.0.weight"), [](QJsonObject &t) {
            t[QStringLiteral("shape")] = QJsonArray{784, 256};
        });
        bytes = parts.bytes();
    } else if (fault == QLatin1String("shapebytes")) {
        parts.editTensor(QStringLiteral("model.encoder.0.weight"), [](QJsonObject &t) {
            t[QStringLiteral("shape")] = QJsonArray{256, 785};
        });
        bytes = parts.bytes();
    } else if (fault == QLatin1String("offsets")) {
        parts.editTensor(QStringLiteral("model.encoder.0.bias"), [&](QJsonObject &t) {
            t[QStringLiteral("data_offsets")] = offsets(qint64(1) << 40, (qint64(1) << 40) + 1024);
        });
        bytes = parts.bytes();
    } else if (fault == QLatin1String("overlap")) {
        const QJsonArray a
            = parts.table[QStringLiteral("model.encoder.0.bias")].toObject()[QStringLiteral("data_offsets")].toArray();
        parts.editTensor(QStringLiteral("model.decoder.0.bias"), [&](QJsonObject &t) {
            const qint64 len = qint64(t[QStringLiteral("data_offsets")].toArray()[1].toDouble()
                                      - t[QStringLiteral("data_offsets")].toArray()[0].toDouble());
            t[QStringLiteral("data_offsets")] = offsets(qint64(a[0].toDouble()), qint64(a[0].toDouble()) + len);
        });
        bytes = parts.bytes();
    } else if (fault == QLatin1String("metanum")) {
        QJsonObject meta = parts.table[QStringLiteral("__metadata__")].toObject();
        meta[QStringLiteral("crc32")] = 5;
        parts.table[QStringLiteral("__metadata__")] = meta;
        bytes = parts.bytes();
    } else if (fault == QLatin1String("snaporder") || fault == QLatin1String("snapcount")) {
        QJsonObject info = parts.info();
        if (fault == QLatin1String("snaporder"))
            info[QStringLiteral("snapshot_epochs")] = QJsonArray{2};
        else
            info[QStringLiteral("snapshot_images")] = 0;
        parts.setInfo(info);
        bytes = parts.bytes();
    } else if (fault == QLatin1String("snapdtype")) {
        // Same byte count as F32 [1,3,4,784]: only the dtype check can catch it.
        parts.editTensor(QStringLiteral("snapshots.probes"), [](QJsonObject &t) {
            t[QStringLiteral("dtype")] = QStringLiteral("F32");
            t[QStringLiteral("shape")] = QJsonArray{1, 3, 4, 784};
        });
        bytes = parts.bytes();
    } else if (fault == QLatin1String("snapv2")) {
        parts.setMeta(QStringLiteral("format_version"), QStringLiteral("2"));
        bytes = parts.bytes();
    } else if (fault == QLatin1String("arch")) {
        QJsonObject info = parts.info();
        info[QStringLiteral("architecture")] = QStringLiteral("784-999-15");
        parts.setInfo(info);
        bytes = parts.bytes();
    }
    const QString bad = m_dir.filePath(QStringLiteral("bad-%1.aes").arg(fault));
    if (fault != QLatin1String("missing"))
        writeBytes(bad, bytes);
    Trainer trainer(config(1), m_data);
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            if (attempt == 0)
                InferenceModel::fromCheckpoint(bad);
            else if (attempt == 1)
                trainer.resumeFrom(bad);
            else if (fault
                     != QLatin1String("flip")) // readInfo reads the header only; the checksum covers the tensor bytes
                Checkpoint::readInfo(bad);
            else
                throw CheckpointError(bad + QStringLiteral(": checksum (not checked by readInfo)"));
            QFAIL("a bad checkpoint was accepted");
        } catch (const CheckpointError &e) {
            QVERIFY2(e.message().startsWith(bad + QStringLiteral(": ")), qPrintable(e.message()));
            QVERIFY2(e.message().contains(expected, Qt::CaseInsensitive), qPrintable(e.message()));
            QVERIFY2(!e.message().contains(QLatin1Char('\n')), qPrintable(e.message()));
        }
    }
}

void TestCheckpoint::snapshotsRoundTripAndResume()
{
    // Every finished epoch leaves its probe grids in the trainer, the checkpoint and a resumed trainer.
    Trainer trainer(config(2), m_data);
    NullObserver observer;
    RunControl control;
    QVERIFY(!trainer.run(observer, control).failed);
    const QVector<ProbeSnapshot> &taken = trainer.probeSnapshots();
    QCOMPARE(taken.size(), 2);
    QCOMPARE(taken[0].epoch, 1);
    QCOMPARE(taken[1].epoch, 2);
    QCOMPARE(taken[0].count, 16);
    QCOMPARE(taken[0].pixels.size(), 3 * 16 * 784);
    QVERIFY(taken[0].pixels.mid(2 * 16 * 784) != taken[1].pixels.mid(2 * 16 * 784)); // the model moved on
    QCOMPARE(taken[0].pixels.left(16 * 784), taken[1].pixels.left(16 * 784));        // the same clean probes
    // The stored grid is what the studio's grid of that model shows: its per-image PSNR within 8-bit rounding.
    const Reconstruction now = trainer.snapshot()->reconstructProbes(m_data->validation, 16, config(2).noise);
    const Reconstruction back = taken[1].toReconstruction();
    QCOMPARE(back.count, 16);
    for (int i = 0; i < 16; ++i)
        QVERIFY2(
            std::abs(back.psnrDb[std::size_t(i)] - now.psnrDb[std::size_t(i)]) < 0.3,
            qPrintable(QStringLiteral("%1 vs %2").arg(back.psnrDb[std::size_t(i)]).arg(now.psnrDb[std::size_t(i)])));

    const QString path = m_dir.filePath(QStringLiteral("snaps.aes"));
    trainer.saveCheckpoint(path);
    const CheckpointInfo header = Checkpoint::readInfo(path);
    QCOMPARE(header.formatVersion, 3);
    QCOMPARE(header.snapshots.size(), 2);
    QVERIFY(header.snapshots[1].pixels.isEmpty()); // the header alone: epochs and counts
    CheckpointInfo info;
    InferenceModel::fromCheckpoint(path, &info);
    QCOMPARE(info.snapshots.size(), 2);
    QCOMPARE(info.snapshots[0].pixels, taken[0].pixels);
    QCOMPARE(info.snapshots[1].pixels, taken[1].pixels);

    Trainer resumed(config(3), m_data);
    resumed.resumeFrom(path);
    QVERIFY(!resumed.run(observer, control).failed);
    QCOMPARE(resumed.probeSnapshots().size(), 3);
    QCOMPARE(resumed.probeSnapshots()[1].pixels, taken[1].pixels);
    QCOMPARE(resumed.probeSnapshots()[2].epoch, 3);
}

void TestCheckpoint::version2CheckpointsStillOpen()
{
    // A version 2 file: the same layout without the snapshot block and its header keys.
    Parts parts(readAll(goodCheckpoint()));
    const QJsonArray range
        = parts.table.take(QStringLiteral("snapshots.probes")).toObject()[QStringLiteral("data_offsets")].toArray();
    parts.data.truncate(qsizetype(range[0].toDouble()));
    QJsonObject info = parts.info();
    info.remove(QStringLiteral("snapshot_epochs"));
    info.remove(QStringLiteral("snapshot_images"));
    parts.setInfo(info);
    parts.setMeta(QStringLiteral("format_version"), QStringLiteral("2"));
    // Its CRC covered the weights alone.
    QByteArray weights = parts.data;
    parts.setMeta(
        QStringLiteral("crc32"),
        QString::number(quint32(::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef *>(weights.constData()),
                                        uInt(weights.size())))));
    const QString path = m_dir.filePath(QStringLiteral("v2.aes"));
    writeBytes(path, parts.bytes());
    CheckpointInfo opened;
    QVERIFY(InferenceModel::fromCheckpoint(path, &opened));
    QCOMPARE(opened.formatVersion, 2);
    QCOMPARE(opened.epoch, 1);
    QVERIFY(opened.snapshots.isEmpty());
    // And a run continues from it, taking snapshots from then on.
    Trainer resumed(config(2), m_data);
    resumed.resumeFrom(path);
    NullObserver observer;
    RunControl control;
    QVERIFY(!resumed.run(observer, control).failed);
    QCOMPARE(resumed.probeSnapshots().size(), 1);
    QCOMPARE(resumed.probeSnapshots()[0].epoch, 2);
    const QString again = m_dir.filePath(QStringLiteral("v2-continued.aes"));
    resumed.saveCheckpoint(again);
    QCOMPARE(Checkpoint::readInfo(again).snapshots.size(), 1);
}

void TestCheckpoint::giantArchitectureIsRefusedAtOnce()
{
    // A header that claims 2x16384 hidden units (268M parameters, 1 GB per copy) with a tiny tensor table.
    Parts parts(readAll(goodCheckpoint()));
    QJsonObject info = parts.info();
    QJsonObject cfg = info[QStringLiteral("config")].toObject();
    QJsonObject model = cfg[QStringLiteral("model")].toObject();
    const bool nested = !model.isEmpty();
    QJsonObject &target = nested ? model : cfg;
    target[QStringLiteral("hidden")] = QJsonArray{16384, 16384};
    if (nested)
        cfg[QStringLiteral("model")] = model;
    info[QStringLiteral("config")] = cfg;
    info[QStringLiteral("architecture")] = QStringLiteral("784-16384-16384-15");
    parts.setInfo(info);
    const QString path = m_dir.filePath(QStringLiteral("giant.aes"));
    writeBytes(path, parts.bytes());
    QElapsedTimer timer;
    timer.start();
    try {
        InferenceModel::fromCheckpoint(path);
        QFAIL("a giant architecture was accepted");
    } catch (const CheckpointError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("parameters")), qPrintable(e.message()));
    }
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QStringLiteral("took %1 ms").arg(timer.elapsed())));
}

void TestCheckpoint::specialFilesSayWhatTheyAre()
{
    const QString fifo = m_dir.filePath(QStringLiteral("fifo.aes"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QString loop = m_dir.filePath(QStringLiteral("loop.aes"));
    QVERIFY(QFile::link(loop, loop));
    const QString folder = m_dir.filePath(QStringLiteral("folder.aes"));
    QVERIFY(QDir().mkpath(folder));
    const QList<QPair<QString, QString>> cases{
        {fifo, QStringLiteral("FIFO")}, {loop, QStringLiteral("symbolic link")}, {folder, QStringLiteral("folder")}};
    for (const auto &c : cases) {
        QElapsedTimer timer;
        timer.start();
        try {
            Checkpoint::readInfo(c.first);
            QFAIL("a special file was read as a checkpoint");
        } catch (const CheckpointError &e) {
            QVERIFY2(e.message().contains(c.second), qPrintable(e.message()));
        }
        QVERIFY(timer.elapsed() < 2000); // a FIFO must not block the reader
    }
    if (::geteuid() != 0) {
        const QString locked = m_dir.filePath(QStringLiteral("locked.aes"));
        QVERIFY(QFile::copy(goodCheckpoint(), locked));
        QFile::setPermissions(locked, QFileDevice::WriteOwner);
        try {
            Checkpoint::readInfo(locked);
            QFAIL("an unreadable file was read");
        } catch (const CheckpointError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("permission denied")), qPrintable(e.message()));
        }
    } else {
        qInfo("running as root: file permissions do not apply, the permission case is not checked");
    }
}

void TestCheckpoint::nonFiniteWeightsAreNeverSaved()
{
    // A run that diverges keeps its last good epoch; the poisoned weights never reach a file.
    Trainer trainer(config(2), m_data);
    NullObserver observer;
    RunControl control;
    trainer.run(observer, control); // two good epochs
    const QString path = m_dir.filePath(QStringLiteral("finite.aes"));
    trainer.saveCheckpoint(path);
    const QByteArray before = readAll(path);
    TrainingConfig more = config(3);
    Trainer next(more, m_data);
    next.resumeFrom(path);
    TrainerTestAccess::poisonWeights(next);
    const Trainer::Outcome out = next.run(observer, control);
    QVERIFY(out.failed);
    next.saveCheckpoint(path); // the last good state: epoch 2's tensors again, byte-identical
    QCOMPARE(Parts(readAll(path)).data, Parts(before).data);
    QCOMPARE(Checkpoint::readInfo(path).epoch, 2);
    next.saveBestCheckpoint(m_dir.filePath(QStringLiteral("finite-best.aes")));
    InferenceModel::fromCheckpoint(m_dir.filePath(QStringLiteral("finite-best.aes")));
}

void TestCheckpoint::fullDiskKeepsTheOldFile()
{
    // Fault injection in core: writes fail as on a full disk after a budget of bytes.
    Trainer trainer(config(1), m_data);
    NullObserver observer;
    RunControl control;
    trainer.run(observer, control);
    const QString path = m_dir.filePath(QStringLiteral("full.aes"));
    trainer.saveCheckpoint(path);
    const QByteArray before = readAll(path);
    Trainer other(config(2), m_data);
    other.run(observer, control);
    for (qint64 budget : {qint64(0), qint64(100), qint64(before.size() / 2), qint64(before.size() - 1)}) {
        AtomicFile::setWriteBudgetForTesting(budget);
        try {
            other.saveCheckpoint(path);
            AtomicFile::setWriteBudgetForTesting(-1);
            QFAIL("a write past the budget succeeded");
        } catch (const CheckpointError &e) {
            AtomicFile::setWriteBudgetForTesting(-1);
            QVERIFY2(e.message().contains(QStringLiteral("disk full")), qPrintable(e.message()));
            QVERIFY2(e.message().contains(path), qPrintable(e.message()));
        }
        QCOMPARE(readAll(path), before); // the old file, intact
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("full.aes*")}, QDir::Files | QDir::Hidden).size(), 1);
    }
    other.saveCheckpoint(path);
    QCOMPARE(Checkpoint::readInfo(path).epoch, 2);
}

void TestCheckpoint::resumeFromWeightsOnlyIsRefused()
{
    Trainer trainer(config(1), m_data);
    NullObserver observer;
    RunControl control;
    trainer.run(observer, control);
    const QString best = m_dir.filePath(QStringLiteral("best.aes"));
    trainer.saveBestCheckpoint(best);
    QVERIFY(!Checkpoint::readInfo(best).hasOptimizer);
    Trainer again(config(2), m_data);
    try {
        again.resumeFrom(best);
        QFAIL("resumed from a weights-only checkpoint");
    } catch (const CheckpointError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("weights only")), qPrintable(e.message()));
    }
}

// What the CLI and the studio print for any exception: libtorch's backtrace cut off, and a sentence for bad_alloc.
void TestCheckpoint::errorsAreOneReadableLine()
{
    // The shape of a c10::Error's what(): the message, then libtorch's C++ backtrace.
    const std::runtime_error c10Like("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)\n"
                                     "Exception raised from meta at ../aten/src/ATen/native/LinearAlgebra.cpp:190 "
                                     "(most recent call first):\nframe #0: c10::Error::Error(...) + 0x8d\n");
    QCOMPARE(describeError(c10Like), QStringLiteral("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"));
    const QString oom = describeError(std::bad_alloc());
    QVERIFY2(oom.startsWith(QStringLiteral("out of memory")), qPrintable(oom));
    const QString control = describeError(std::runtime_error("bad \x1b[31mname"));
    QCOMPARE(control, QStringLiteral("bad \\x1b[31mname"));
}

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
