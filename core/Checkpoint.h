// The .aes checkpoint (format version 3): a safetensors file. Its tensors are the model's weights (model.*), for a
// resumable checkpoint also Adam's moments (optimizer.exp_avg, optimizer.exp_avg_sq) and the best epoch's weights
// (best.*), and, since version 3, the probe grids of each epoch (snapshots.probes, uint8); its metadata holds our
// header (architecture, config, epoch, metric history) as JSON and a CRC-32 of the tensor bytes. A checkpoint is data,
// never code: nothing in it reaches a pickle or TorchScript loader, and every name, dtype, shape and byte range is
// checked against the architecture before anything is allocated. See docs/checkpoint-format.md.
#pragma once

#include "ProbeSnapshot.h"
#include "SafeTensors.h"
#include "TrainingConfig.h"
#include "TrainingTypes.h"

#include <QString>
#include <QVector>

class QFile;

namespace aestudio {

struct CheckpointInfo {
    int formatVersion = 0;
    QString architecture; // ModelSpec::describe(), e.g. "784-256-128-15"
    TrainingConfig config;
    int epoch = 0; // epochs completed when saved
    QVector<EpochMetrics> history;
    int bestEpoch = 0;
    double bestValLoss = 0.0;
    bool hasOptimizer = false; // false for best.aes: weights only
    qint64 optimizerSteps = 0; // Adam's step count, for its bias correction
    QString datasetName;
    // The time scrubber's probe grids (version 3; none in version 2 files). readInfo() gives their epochs and image
    // counts with empty pixels; loadCheckpoint() fills the pixels.
    QVector<ProbeSnapshot> snapshots;
};

namespace Checkpoint {
constexpr int kFormatVersion = 3;     // what this build writes
constexpr int kOldestReadVersion = 2; // version 2: the same without probe snapshots

// Reads and validates the header only (metadata and tensor table); throws CheckpointError naming the file.
CheckpointInfo readInfo(const QString &path);
// Throws CheckpointError when `info` (read from `path`) is weights only (a best.aes, an export), so a resume can be
// refused before anything is written.
void requireResumable(const CheckpointInfo &info, const QString &path);

// What the loader knows once the header is validated.
struct Layout {
    CheckpointInfo info;
    SafeTensors::Header table;
    quint32 crc32 = 0;
    bool hasBest = false;
};
// Validates the header bytes of a file of `fileSize` bytes: the JSON metadata, the config it holds (and so the
// parameter bound), and that the tensor table is exactly what that architecture needs. Throws FormatError.
Layout parseHeader(const QByteArray &json, qint64 fileSize);
// Opens `path` (regular files only) into `file` and validates its header. Throws CheckpointError naming the path.
Layout readLayout(const QString &path, QFile &file);

// The tensors of a checkpoint for `spec`, in data order: model.*, then optimizer.* and best.* when asked for, then
// the snapshots' uint8 block [epochs, 3, images, 784] when there are any.
QVector<SafeTensors::Entry> tensorTable(const ModelSpec &spec, bool optimizer, bool best,
                                        const QVector<ProbeSnapshot> &snapshots = {});
inline const QString kSnapshotTensor = QStringLiteral("snapshots.probes");
// The full file header (length prefix + JSON) for `info` over `entries` (offsets filled in) with `crc32`.
QByteArray buildHeader(CheckpointInfo info, QVector<SafeTensors::Entry> &entries, quint32 crc32);

// CRC-32 of the tensor bytes; skipped (always matches) in fuzzing builds so the fuzzer reaches the parsers.
bool crcMatches(quint32 expected, quint32 actual);
} // namespace Checkpoint

} // namespace aestudio
