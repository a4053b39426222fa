#include "CheckpointIO.h"

#include "Errors.h"

#include <QDataStream>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <zlib.h>

#include <sstream>

namespace aestudio {
namespace {

const QByteArray kMagic = QByteArrayLiteral("AESCKPT\n");
constexpr quint32 kMaxHeaderBytes = 64u << 20;
constexpr quint64 kMaxPayloadBytes = 8ull << 30;

QJsonObject infoToJson(const CheckpointInfo &info)
{
    QJsonArray history;
    for (const EpochMetrics &m : info.history)
        history.append(m.toJson());
    return QJsonObject{{QStringLiteral("architecture"), info.architecture},
                       {QStringLiteral("config"), info.config.toJson()},
                       {QStringLiteral("epoch"), info.epoch},
                       {QStringLiteral("history"), history},
                       {QStringLiteral("best_epoch"), info.bestEpoch},
                       {QStringLiteral("best_val_loss"), info.bestValLoss},
                       {QStringLiteral("has_optimizer"), info.hasOptimizer},
                       {QStringLiteral("dataset_name"), info.datasetName}};
}

struct RawCheckpoint {
    CheckpointInfo info;
    QByteArray payload;
};

// Reads header and (optionally) payload, checking every length and the CRC before anything reaches torch.
RawCheckpoint readRaw(const QString &path, bool withPayload)
{
    QFile file(path);
    if (!file.exists())
        throw CheckpointError(QStringLiteral("%1: file not found").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        throw CheckpointError(QStringLiteral("%1: cannot open for reading").arg(path));
    auto fail = [&](const QString &what) { return CheckpointError(QStringLiteral("%1: %2").arg(path, what)); };

    if (file.read(kMagic.size()) != kMagic)
        throw fail(QStringLiteral("not an Autoencoder Studio checkpoint (bad magic)"));
    QDataStream in(&file);
    in.setByteOrder(QDataStream::LittleEndian);
    quint32 version = 0, headerSize = 0;
    in >> version >> headerSize;
    if (in.status() != QDataStream::Ok)
        throw fail(QStringLiteral("truncated header"));
    if (version != quint32(Checkpoint::kFormatVersion))
        throw fail(QStringLiteral("format version %1 is not supported (this build reads version %2)")
                       .arg(version).arg(Checkpoint::kFormatVersion));
    if (headerSize == 0 || headerSize > kMaxHeaderBytes)
        throw fail(QStringLiteral("header size %1 is implausible").arg(headerSize));
    const QByteArray headerBytes = file.read(headerSize);
    if (quint32(headerBytes.size()) != headerSize)
        throw fail(QStringLiteral("truncated header"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(headerBytes, &parseError);
    if (!doc.isObject())
        throw fail(QStringLiteral("corrupt header (%1)").arg(parseError.errorString()));
    const QJsonObject json = doc.object();

    RawCheckpoint raw;
    CheckpointInfo &info = raw.info;
    info.formatVersion = int(version);
    info.architecture = json.value(QStringLiteral("architecture")).toString();
    try {
        info.config = TrainingConfig::fromJson(json.value(QStringLiteral("config")).toObject());
    } catch (const ConfigError &e) {
        throw fail(QStringLiteral("corrupt config in header (%1)").arg(e.message()));
    }
    if (info.architecture != info.config.model.describe())
        throw fail(QStringLiteral("header architecture %1 disagrees with its config (%2)")
                       .arg(info.architecture, info.config.model.describe()));
    info.epoch = json.value(QStringLiteral("epoch")).toInt();
    for (const auto &v : json.value(QStringLiteral("history")).toArray())
        info.history.append(EpochMetrics::fromJson(v.toObject()));
    info.bestEpoch = json.value(QStringLiteral("best_epoch")).toInt();
    info.bestValLoss = json.value(QStringLiteral("best_val_loss")).toDouble();
    info.hasOptimizer = json.value(QStringLiteral("has_optimizer")).toBool();
    info.datasetName = json.value(QStringLiteral("dataset_name")).toString();

    quint64 payloadSize = 0;
    quint32 crc = 0;
    in >> payloadSize >> crc;
    if (in.status() != QDataStream::Ok)
        throw fail(QStringLiteral("truncated before the weights"));
    if (payloadSize == 0 || payloadSize > kMaxPayloadBytes || payloadSize > quint64(file.size() - file.pos()))
        throw fail(QStringLiteral("weights are truncated (%1 bytes promised, %2 present)")
                       .arg(payloadSize).arg(file.size() - file.pos()));
    if (payloadSize < quint64(file.size() - file.pos()))
        throw fail(QStringLiteral("unexpected bytes after the weights"));
    if (withPayload) {
        raw.payload = file.read(qint64(payloadSize));
        const quint32 actual = quint32(::crc32(0L, reinterpret_cast<const Bytef *>(raw.payload.constData()),
                                               uInt(raw.payload.size())));
        if (actual != crc)
            throw fail(QStringLiteral("weights are corrupt (checksum mismatch)"));
    }
    return raw;
}

QString torchMessage(const c10::Error &e)
{
    return QString::fromStdString(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0);
}

} // namespace

CheckpointInfo Checkpoint::readInfo(const QString &path)
{
    return readRaw(path, false).info;
}

void saveCheckpoint(const QString &path, CheckpointInfo info, const AutoEncoder &model, FlatAdam *optimizer)
{
    info.formatVersion = Checkpoint::kFormatVersion;
    info.architecture = model->spec.describe();
    info.hasOptimizer = optimizer != nullptr;

    std::ostringstream payloadStream;
    try {
        torch::serialize::OutputArchive root;
        torch::serialize::OutputArchive modelArchive;
        model->save(modelArchive);
        root.write("model", modelArchive);
        if (optimizer) {
            torch::serialize::OutputArchive optimArchive;
            optimizer->save(optimArchive);
            root.write("optimizer", optimArchive);
        }
        root.save_to(payloadStream);
    } catch (const c10::Error &e) {
        throw CheckpointError(QStringLiteral("%1: cannot serialise the model (%2)").arg(path, torchMessage(e)));
    }
    const std::string payload = payloadStream.str();
    const QByteArray header = QJsonDocument(infoToJson(info)).toJson(QJsonDocument::Compact);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw CheckpointError(QStringLiteral("%1: cannot open for writing (%2)").arg(path, file.errorString()));
    file.write(kMagic);
    QDataStream out(&file);
    out.setByteOrder(QDataStream::LittleEndian);
    out << quint32(Checkpoint::kFormatVersion) << quint32(header.size());
    file.write(header);
    out << quint64(payload.size())
        << quint32(::crc32(0L, reinterpret_cast<const Bytef *>(payload.data()), uInt(payload.size())));
    file.write(payload.data(), qint64(payload.size()));
    if (!file.commit())
        throw CheckpointError(QStringLiteral("%1: write failed (%2)").arg(path, file.errorString()));
}

CheckpointInfo loadCheckpointState(const QString &path, AutoEncoder &model, FlatAdam *optimizer,
                                   const torch::Device &device)
{
    RawCheckpoint raw = readRaw(path, true);
    if (!(raw.info.config.model == model->spec))
        throw CheckpointError(QStringLiteral("%1: holds a %2 model, but this run builds %3")
                                  .arg(path, raw.info.architecture, model->spec.describe()));
    try {
        std::istringstream stream(std::string(raw.payload.constData(), std::size_t(raw.payload.size())));
        torch::serialize::InputArchive root;
        root.load_from(stream, device);
        torch::serialize::InputArchive modelArchive;
        root.read("model", modelArchive);
        AutoEncoder loaded(model->spec);
        loaded->load(modelArchive);
        if (optimizer && raw.info.hasOptimizer) {
            torch::serialize::InputArchive optimArchive;
            root.read("optimizer", optimArchive);
            optimizer->load(optimArchive);
        }
        copyWeights(loaded, model);
    } catch (const c10::Error &e) {
        throw CheckpointError(QStringLiteral("%1: corrupt weights (%2)").arg(path, torchMessage(e)));
    } catch (const std::exception &e) {
        throw CheckpointError(QStringLiteral("%1: corrupt weights (%2)").arg(path, QString::fromUtf8(e.what())));
    }
    return raw.info;
}

} // namespace aestudio
