#pragma once
// Test helper: writes small NIfTI volumes with Debian's nifti2 library (tests that include it link ${NIFTI2_LIBRARY}
// and ${ZNZ_LIBRARY} and add ${NIFTI_INCLUDE_DIR}).

#include <nifti2_io.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <functional>

namespace prunelab::testing {

/// Writes a small int16 volume (value = f(x, y, z)) with the nifti2 library, .nii or .nii.gz by the name.
inline void writeVolume(const QString& path, int nx, int ny, int nz, const std::function<int(int, int, int)>& f)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const int64_t dims[8] = {3, nx, ny, nz, 1, 1, 1, 1};
    nifti_image* image = nifti_make_new_nim(dims, DT_INT16, 1);
    auto* data = static_cast<int16_t*>(image->data);
    for (int z = 0; z < nz; ++z)
        for (int y = 0; y < ny; ++y)
            for (int x = 0; x < nx; ++x)
                data[(z * ny + y) * nx + x] = int16_t(f(x, y, z));
    QVERIFY(nifti_set_filenames(image, QFile::encodeName(path).constData(), 0, 1) == 0);
    nifti_image_write(image);
    nifti_image_free(image);
    QVERIFY2(QFile::exists(path), qPrintable(path));
}

} // namespace prunelab::testing
