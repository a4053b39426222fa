// libFuzzer target: the IDX/gzip reader (raw and .gz images and labels). Any input must end in a DatasetError or a
// valid result, never a crash, a hang or an allocation beyond what the header's checked size allows.
#include "Errors.h"
#include "IdxReader.h"

#include <QByteArray>
#include <QString>

#include <cstdio>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const QString path = QStringLiteral("/tmp/aestudio-fuzz-idx-%1").arg(::getpid());
    if (FILE *f = std::fopen(path.toLocal8Bit().constData(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    try {
        aestudio::IdxReader::readImages(path);
    } catch (const aestudio::StudioError &) {
    }
    try {
        aestudio::IdxReader::readLabels(path);
    } catch (const aestudio::StudioError &) {
    }
    return 0;
}
