#include "CheckpointIO.h"

#include "AtomicFile.h"
#include "Errors.h"

#include <QFile>

#include <zlib.h>

#include <new>

namespace aestudio {
namespace {

static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "checkpoints store little-endian float32 as raw bytes");

// The CRC-32 of the concatenation of `parts`.
quint32 crc32Of(const std::vector<QByteArrayView> &parts)
{
    uLong crc = ::crc32(0L, Z_NULL, 0);
    for (const QByteArrayView &part : parts) {
        const char *p = part.data();
        qint64 left = part.size();
        while (left > 0) { // zlib's crc32 takes a uInt length
            const uInt n = uInt(std::min<qint64>(left, 1 << 30));
            crc = ::crc32(crc, reinterpret_cast<const Bytef *>(p), n);
            p += n;
            left -= n;
        }
    }
    return quint32(crc);
}

torch::Tensor cpuFloat(const torch::Tensor &t)
{
    return t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
}

} // namespace

std::vector<torch::Tensor> parameterValues(const AutoEncoder &model)
{
    std::vector<torch::Tensor> out;
    for (const auto &p : model->parameters())
        out.push_back(p.detach().clone());
    return out;
}

void setParameterValues(AutoEncoder &model, const std::vector<torch::Tensor> &values)
{
    torch::NoGradGuard noGrad;
    auto params = model->parameters();
    TORCH_CHECK(params.size() == values.size(), "setParameterValues: different architectures");
    for (std::size_t i = 0; i < params.size(); ++i)
        params[i].copy_(values[i]);
}

void saveCheckpoint(const QString &path, CheckpointInfo info, const CheckpointTensors &tensors)
{
    info.formatVersion = Checkpoint::kFormatVersion;
    info.hasOptimizer = tensors.expAvg.defined();
    std::vector<torch::Tensor> ordered;
    for (const auto &t : tensors.weights)
        ordered.push_back(cpuFloat(t));
    if (info.hasOptimizer) {
        ordered.push_back(cpuFloat(tensors.expAvg).reshape({-1}));
        ordered.push_back(cpuFloat(tensors.expAvgSq).reshape({-1}));
    }
    for (const auto &t : tensors.best)
        ordered.push_back(cpuFloat(t));

    for (const ProbeSnapshot &snap : info.snapshots)
        if (!snap.isValid() || snap.count != info.snapshots.first().count)
            throw CheckpointError(
                QStringLiteral("%1: internal error: snapshot of epoch %2 is malformed").arg(path).arg(snap.epoch));
    QVector<SafeTensors::Entry> table
        = Checkpoint::tensorTable(info.config.model, info.hasOptimizer, !tensors.best.empty(), info.snapshots);
    const int floatTensors = table.size() - (info.snapshots.isEmpty() ? 0 : 1);
    if (std::size_t(floatTensors) != ordered.size())
        throw CheckpointError(QStringLiteral("%1: internal error: %2 tensors for a table of %3")
                                  .arg(path)
                                  .arg(ordered.size())
                                  .arg(table.size()));
    // The file's data section is written straight from the tensors and snapshots: no copy of it is made (a copy
    // of a 5-layer model's 18 MB checkpoint cost 50 ms an epoch, mostly page faults on the fresh buffer).
    std::vector<QByteArrayView> data;
    for (int i = 0; i < floatTensors; ++i) {
        const torch::Tensor &t = ordered[std::size_t(i)];
        if (t.numel() != table[i].elements())
            throw CheckpointError(QStringLiteral("%1: internal error: %2 has %3 values, its shape needs %4")
                                      .arg(path, table[i].name)
                                      .arg(t.numel())
                                      .arg(table[i].elements()));
        if (!torch::isfinite(t).all().item<bool>())
            throw CheckpointError(
                QStringLiteral("%1: not saved: %2 holds NaN or infinite values").arg(path, table[i].name));
        data.emplace_back(reinterpret_cast<const char *>(t.data_ptr<float>()), qsizetype(t.numel() * 4));
    }
    for (const ProbeSnapshot &snap : info.snapshots)
        data.emplace_back(snap.pixels);
    const QByteArray header = Checkpoint::buildHeader(info, table, crc32Of(data));
    data.insert(data.begin(), QByteArrayView(header));
    try {
        AtomicFile::write(path, data);
    } catch (const WriteError &e) {
        throw CheckpointError(e.message());
    }
}

CheckpointTensors loadCheckpoint(const QString &path, CheckpointInfo *infoOut)
{
    QFile file;
    const Checkpoint::Layout layout = Checkpoint::readLayout(path, file);
    const qint64 dataSize = file.size() - layout.table.dataOffset;
    QByteArray data;
    try {
        data = file.read(dataSize); // bounded: the table was checked against the architecture and the file size
    } catch (const std::bad_alloc &) {
        throw CheckpointError(QStringLiteral("%1: out of memory reading %2 bytes of weights").arg(path).arg(dataSize));
    }
    if (data.size() != dataSize)
        throw CheckpointError(QStringLiteral("%1: read %2 of %3 bytes of weights (%4)")
                                  .arg(path)
                                  .arg(data.size())
                                  .arg(dataSize)
                                  .arg(file.errorString()));
    if (!Checkpoint::crcMatches(layout.crc32, crc32Of({QByteArrayView(data)})))
        throw CheckpointError(QStringLiteral("%1: weights are corrupt (checksum mismatch)").arg(path));

    auto tensor = [&](const QString &name) {
        const SafeTensors::Entry *e = layout.table.find(name);
        std::vector<std::int64_t> shape(e->shape.begin(), e->shape.end());
        torch::Tensor t
            = torch::from_blob(const_cast<char *>(data.constData()) + e->begin, shape, torch::kFloat32).clone();
        if (!torch::isfinite(t).all().item<bool>())
            throw CheckpointError(QStringLiteral("%1: tensor %2 holds NaN or infinite values").arg(path, name));
        return t;
    };
    CheckpointTensors out;
    const auto table = Checkpoint::tensorTable(layout.info.config.model, false, false);
    for (const SafeTensors::Entry &e : table) {
        out.weights.push_back(tensor(e.name));
        if (layout.hasBest)
            out.best.push_back(tensor(QStringLiteral("best") + e.name.mid(QStringLiteral("model").size())));
    }
    if (layout.info.hasOptimizer) {
        out.expAvg = tensor(QStringLiteral("optimizer.exp_avg"));
        out.expAvgSq = tensor(QStringLiteral("optimizer.exp_avg_sq"));
    }
    if (infoOut) {
        *infoOut = layout.info;
        if (const SafeTensors::Entry *e = layout.table.find(Checkpoint::kSnapshotTensor)) {
            qint64 at = e->begin;
            for (ProbeSnapshot &snap : infoOut->snapshots) {
                snap.pixels = data.mid(qsizetype(at), qsizetype(snap.expectedBytes()));
                at += snap.expectedBytes();
            }
        }
    }
    return out;
}

} // namespace aestudio
