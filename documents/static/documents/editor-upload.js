'use strict';
// TinyMCE's image upload for the article body (named in documents/forms.py EDITOR_CONFIG): posts the picture to
// the admin's body-image view with the page's CSRF token and returns the stored image's address.
window.documentsUploadImage = function (blobInfo, progress) {
  const editor = window.tinymce.activeEditor;
  const token = document.querySelector('input[name="csrfmiddlewaretoken"]');
  const data = new FormData();
  data.append('file', blobInfo.blob(), blobInfo.filename());
  return fetch(editor.options.get('images_upload_url'), {
    method: 'POST',
    body: data,
    credentials: 'same-origin',
    headers: {'X-CSRFToken': token ? token.value : ''},
  }).then(function (response) {
    return response.json().catch(function () {
      throw new Error('上传失败（' + response.status + '）');
    }).then(function (answer) {
      if (!response.ok) {
        throw new Error(answer.error || '上传失败');
      }
      return answer.location;
    });
  }).catch(function (error) {
    throw {message: error.message, remove: true};
  });
};
