// Recipes in the studio: File → Open recipe… and Save recipe…, and File → Recipes, a menu of the installed and saved
// ones (Recipe::installed(), read each time it opens). Opening one fills the settings panel; nothing starts.
#pragma once

#include <QObject>

class QAction;
class QMenu;
class QWidget;

namespace aestudio {

class ConfigPanel;

class RecipeActions : public QObject {
    Q_OBJECT
public:
    RecipeActions(ConfigPanel *config, QWidget *window);

    QAction *openAction() const { return m_open; }
    QAction *saveAction() const { return m_save; }
    QMenu *menu() const { return m_menu; }
    void setOpenEnabled(bool enabled); // not while a run trains: its settings are locked

    void open(const QString &path); // into the settings panel; throws ConfigError naming the file
    void save(const QString &path); // the panel's settings; throws WriteError
    void rebuildMenu();

Q_SIGNALS:
    void status(const QString &message);
    void problem(const QString &message);

private:
    void guarded(const std::function<void()> &work);
    ConfigPanel *m_config;
    QWidget *m_window;
    QAction *m_open;
    QAction *m_save;
    QMenu *m_menu;
};

} // namespace aestudio
