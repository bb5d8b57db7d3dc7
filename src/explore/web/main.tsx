import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { onLinkClick, routeOf, useLocation } from './router.js';
import './style.css';
import { AwardsView } from './views/awards.js';
import { Catalog } from './views/catalog.js';
import { CubeView } from './views/cube.js';
import { RecordsView } from './views/records.js';

function App() {
  const { pathname, params } = useLocation();
  const route = routeOf(pathname);
  useEffect(() => {
    const title = route.view === 'cube' || route.view === 'records' ? route.name : route.view === 'awards' ? 'Awards' : 'Datasets';
    document.title = `${title} · Spendgraph explorer`;
  }, [pathname]);
  return (
    <div onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
      <a class="skip" href="#content">Skip to content</a>
      <header>
        <nav aria-label="Explorer">
          <a href="/explore" class="brand">Spendgraph explorer</a>
          <a href="/explore" aria-current={route.view === 'catalog' ? 'page' : undefined}>Datasets</a>
          <a href="/explore/awards" aria-current={route.view === 'awards' ? 'page' : undefined}>Awards</a>
          <a href="/graphql">GraphiQL</a>
        </nav>
      </header>
      <div id="content" tabIndex={-1}>
        {route.view === 'catalog' && <Catalog params={params} />}
        {route.view === 'cube' && <CubeView key={route.name} name={route.name} params={params} />}
        {route.view === 'awards' && <AwardsView params={params} />}
        {route.view === 'records' && <RecordsView key={route.name} name={route.name} params={params} />}
        {route.view === 'missing' && (
          <main>
            <h1>Not found</h1>
            <p>Nothing is explored at {route.path}. <a href="/explore">See the datasets</a>.</p>
          </main>
        )}
      </div>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
