// libFuzzer target: the safetensors reader on a whole file image (length prefix, JSON tensor table, byte ranges).
// Whatever it accepts must lie inside the file and tile the data section.
#include "Errors.h"
#include "SafeTensors.h"

#include <QByteArray>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray file(reinterpret_cast<const char *>(data), qsizetype(size));
    try {
        const qint64 n = aestudio::SafeTensors::headerLength(file.left(8), file.size());
        const auto header = aestudio::SafeTensors::parseHeader(file.mid(8, n), file.size());
        qint64 next = header.dataOffset;
        for (const auto &e : header.entries) {
            if (header.dataOffset + e.begin != next || header.dataOffset + e.end > file.size()
                || e.end - e.begin != e.elements() * 4)
                __builtin_trap();
            next = header.dataOffset + e.end;
        }
        if (next != file.size())
            __builtin_trap();
    } catch (const aestudio::StudioError &) {
    }
    return 0;
}
