// aestudio: the desktop studio. Sets up the application identity (for QSettings), shows the main window, runs.
// A few options drive the real window for docs and measurements: --start, --screenshot, --measure-ui.
#include "MainWindow.h"
#include "StudioMeasurement.h"
#include "StopSignals.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QIcon>

int main(int argc, char *argv[])
{
    // Before any thread exists: Ctrl+C/SIGTERM/SIGHUP reach one thread, never a training thread mid-kernel.
    aestudio::StopSignals::install();
    QElapsedTimer sinceMain;
    sinceMain.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("aestudio"));
    QApplication::setApplicationName(QStringLiteral("Autoencoder Studio"));
    QApplication::setApplicationVersion(QStringLiteral(AESTUDIO_VERSION));
    // The installed desktop entry and icon carry the AppStream id; the icon is also built in, for a build tree.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.aestudio.AutoencoderStudio"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/aestudio/io.github.aestudio.AutoencoderStudio.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Autoencoder Studio: train dense and denoising autoencoders on MNIST, Fashion-MNIST or your "
                       "own images, and watch them learn. The options below drive the window for demos, "
                       "screenshots and measurements; without them the studio opens as usual."));
    parser.addHelpOption();
    parser.addVersionOption();
    const auto options = aestudio::StudioMeasurement::options();
    parser.addOptions(options);
    parser.process(app);

    aestudio::MainWindow window;
    window.show();
    aestudio::StudioMeasurement measurement(&window, parser, sinceMain);
    // A signal closes the window as the user would: settings saved, training stopped after its batch, thread joined.
    const aestudio::StopSignals::Scope closeOnSignal(
        [&window](int) { QMetaObject::invokeMethod(&window, &QWidget::close, Qt::QueuedConnection); });
    return app.exec();
}
