#include "RecipeActions.h"

#include "ConfigPanel.h"
#include "Errors.h"
#include "FileDialogs.h"
#include "Recipe.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>

namespace aestudio {

RecipeActions::RecipeActions(ConfigPanel *config, QWidget *window)
    : QObject(window), m_config(config), m_window(window), m_open(new QAction(tr("Open &recipe…"), this)),
      m_save(new QAction(tr("Sa&ve recipe…"), this)), m_menu(new QMenu(tr("Re&cipes"), window))
{
    m_open->setObjectName(QStringLiteral("openRecipe"));
    m_open->setStatusTip(tr("Fill the settings from a recipe file (JSON); nothing starts until you press Start"));
    m_save->setObjectName(QStringLiteral("saveRecipe"));
    m_save->setStatusTip(tr("Save the current settings as a recipe, for the studio or 'aestudio-cli train --recipe'"));
    m_menu->setObjectName(QStringLiteral("recipesMenu"));
    connect(m_open, &QAction::triggered, this, [this] {
        const QString path
            = FileDialogs::openFile(m_window, tr("Open recipe"), tr("Recipes (*.json);;All files (*)"),
                                    QFileInfo(Recipe::userFolder()).isDir() ? Recipe::userFolder() : QString());
        if (!path.isEmpty())
            guarded([&] { open(path); });
    });
    connect(m_save, &QAction::triggered, this, [this] {
        QDir().mkpath(Recipe::userFolder()); // where the Recipes menu looks first
        const QString path = FileDialogs::saveFile(m_window, tr("Save recipe"), QStringLiteral("my-recipe.json"),
                                                   tr("Recipes (*.json)"), Recipe::userFolder());
        if (!path.isEmpty())
            guarded([&] { save(path); });
    });
    connect(m_menu, &QMenu::aboutToShow, this, &RecipeActions::rebuildMenu);
    rebuildMenu();
}

void RecipeActions::guarded(const std::function<void()> &work)
{
    try {
        work();
    } catch (const std::exception &e) {
        Q_EMIT problem(describeError(e));
    }
}

void RecipeActions::setOpenEnabled(bool enabled)
{
    m_open->setEnabled(enabled);
    m_menu->setEnabled(enabled);
}

void RecipeActions::open(const QString &path)
{
    Recipe::Info info;
    TrainingConfig config = Recipe::load(path, &info);
    // The machine's own settings stay as they are unless the recipe names them.
    const TrainingConfig current = m_config->config();
    config.threads = current.threads;
    config.device = current.device;
    m_config->setConfig(config);
    Q_EMIT status(tr("Recipe \"%1\" loaded: %2, %3 epochs. Press Start to train.")
                      .arg(info.name, config.model.describe())
                      .arg(config.epochs));
}

void RecipeActions::save(const QString &path)
{
    Recipe::save(m_config->config(), path);
    Q_EMIT status(tr("Recipe saved to %1").arg(path));
}

void RecipeActions::rebuildMenu()
{
    m_menu->clear();
    const QVector<Recipe::Info> recipes = Recipe::installed();
    for (const Recipe::Info &r : recipes) {
        QAction *a = m_menu->addAction(r.name);
        a->setToolTip(r.description.isEmpty() ? r.path : r.description + QLatin1Char('\n') + r.path);
        a->setStatusTip(r.description);
        const QString path = r.path;
        connect(a, &QAction::triggered, this, [this, path] { guarded([&] { open(path); }); });
    }
    m_menu->setToolTipsVisible(true);
    if (recipes.isEmpty())
        m_menu->addAction(tr("No recipes found in %1").arg(Recipe::folders().join(QStringLiteral(", "))))
            ->setEnabled(false);
}

} // namespace aestudio
