// libFuzzer target: the checkpoint header (safetensors table + our JSON metadata: config, history, architecture,
// and the match between table and architecture). Input: 4 bytes of claimed data-section size (little endian), then
// the JSON header. Checksums are skipped in fuzzing builds (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION).
#include "Checkpoint.h"
#include "Errors.h"

#include <QByteArray>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 4)
        return 0;
    const quint32 dataSize = quint32(data[0]) | quint32(data[1]) << 8 | quint32(data[2]) << 16 | quint32(data[3]) << 24;
    const QByteArray json(reinterpret_cast<const char *>(data + 4), qsizetype(size - 4));
    try {
        const auto layout = aestudio::Checkpoint::parseHeader(json, 8 + json.size() + qint64(dataSize));
        // What the loader does next: every tensor it will build is in the table, with the size checked.
        for (const auto &e :
             aestudio::Checkpoint::tensorTable(layout.info.config.model, layout.info.hasOptimizer, layout.hasBest))
            if (!layout.table.find(e.name) || layout.table.find(e.name)->elements() != e.elements())
                __builtin_trap();
    } catch (const aestudio::StudioError &) {
    }
    return 0;
}
