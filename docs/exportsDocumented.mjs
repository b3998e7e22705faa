// @ts-check
/**
 * TypeDoc plugin: every export of every entry point has TSDoc (STYLE.md, "TSDoc on every export"),
 * and nothing more. TypeDoc's own `notDocumented` check also asks for every member of every
 * interface and for every signature, which is not the rule here.
 *
 * An export without TSDoc is a warning, so the build fails (`treatWarningsAsErrors`). Names in
 * `intentionallyNotDocumented` (`<module>.<export>`, e.g. `index.RunEventName`; with one entry
 * point just `<export>`) are excused; one
 * that is documented (or gone) is a warning too, so the list only shrinks.
 */
import { relative } from 'node:path';
import { Application, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const excused = new Set(/** @type {string[]} */ (app.options.getValue('intentionallyNotDocumented')));
    const stillExcused = new Set();
    // One entry point: the project holds the exports; several: one module per entry point.
    const children = project.children ?? [];
    const modules = children.some((child) => child.kindOf(ReflectionKind.Module)) ? children : [project];
    for (const module of modules) {
      for (const exported of module.children ?? []) {
        const name = module === project ? exported.name : `${module.name}.${exported.name}`;
        const documented =
          exported.hasComment() || (exported.signatures ?? []).some((signature) => signature.hasComment());
        if (documented) continue;
        if (excused.has(name)) {
          stillExcused.add(name);
          continue;
        }
        const file = project.getSymbolIdFromReflection(exported)?.fileName;
        const source = file === undefined ? 'its source file' : relative(process.cwd(), file);
        app.logger.warn(`${name} has no TSDoc: document it where it is declared (${source}).`);
      }
    }
    for (const name of excused) {
      if (!stillExcused.has(name)) {
        app.logger.warn(
          `${name} is listed in intentionallyNotDocumented (docs/typedoc.json) but is documented or gone: remove it from the list.`,
        );
      }
    }
  });
}
